package io.peregrine.sender.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.util.Set;

/**
 * A Feishu / Lark custom bot ({@code https://open.feishu.cn/open-apis/bot/v2/hook/...}): a text message
 * {@code {"msg_type":"text","content":{"text":...}}}. With a signing secret the body also carries
 * {@code "timestamp"} (unix seconds, as a string) and {@code "sign"}: the Base64 of HMAC-SHA256 keyed with
 * {@code timestamp + "\n" + secret} over an empty message, as Feishu documents. An answer with {@code code} other
 * than 0 is a failure (19021, a bad signature, and 19024, a keyword refusal, are not retried).
 */
public final class FeishuChannel extends ChatRobotChannel {
  private final String secret;
  private final Clock clock;

  FeishuChannel(URI url, String secret, HttpPoster poster, Clock clock) {
    super("feishu", url, poster, "code", Set.of(19021, 19022, 19024));
    this.secret = secret == null ? "" : secret;
    this.clock = clock;
  }

  @Override
  ObjectNode body(Notice notice) {
    ObjectNode body = JSON.createObjectNode();
    if (!secret.isEmpty()) {
      long ts = clock.millis() / 1000;
      body.put("timestamp", String.valueOf(ts));
      body.put("sign", sign(secret, ts));
    }
    body.put("msg_type", "text");
    body.putObject("content").put("text", notice.messages().im());
    return body;
  }

  static String sign(String secret, long timestampSeconds) {
    return Signatures.hmacSha256Base64(timestampSeconds + "\n" + secret, "");
  }
}
