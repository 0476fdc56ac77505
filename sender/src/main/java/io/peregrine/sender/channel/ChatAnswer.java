package io.peregrine.sender.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * Chat robots answer HTTP 200 with an error code in the body ({@code {"errcode":310000,...}}): a code other than 0
 * is a failure. Codes that say the request itself is wrong (bad signature, keyword missing) are permanent.
 */
final class ChatAnswer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChatAnswer() {}

  /**
   * @param codeField {@code errcode} (DingTalk, WeCom) or {@code code} (Feishu)
   * @param permanentCodes codes a retry would meet again
   */
  static void check(String channel, URI url, String body, String codeField, Set<Integer> permanentCodes)
      throws ChannelException {
    JsonNode answer;
    try {
      answer = JSON.readTree(body);
    } catch (IOException e) {
      throw new ChannelException(channel + " " + redact(url) + " answered something that is not JSON: "
          + abbreviate(body));
    }
    JsonNode code = answer == null ? null : answer.get(codeField);
    if (code == null || !code.isNumber()) {
      throw new ChannelException(channel + " " + redact(url) + " answered without " + codeField + ": "
          + abbreviate(body));
    }
    if (code.asInt() != 0) {
      throw new ChannelException(channel + " " + redact(url) + " refused the message: " + abbreviate(body), null,
          permanentCodes.contains(code.asInt()));
    }
  }

  /** The URL without its query: robot URLs carry their access token there. */
  static String redact(URI url) {
    return url.getScheme() + "://" + url.getAuthority() + url.getPath();
  }

  private static String abbreviate(String s) {
    String t = s == null ? "" : s.strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }
}
