package io.peregrine.sender.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peregrine.sender.receiver.Person;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;

/**
 * A DingTalk group robot ({@code https://oapi.dingtalk.com/robot/send?access_token=...}): a text message
 * {@code {"msgtype":"text","text":{"content":...},"at":{"atMobiles":[...],"isAtAll":false}}} that mentions the
 * receivers' phones. With a signing secret, {@code &timestamp=<ms>&sign=<s>} is added to the URL, where s is the
 * URL-encoded Base64 of HMAC-SHA256 over {@code timestamp + "\n" + secret} keyed with the secret, as DingTalk
 * documents. An answer with {@code errcode} other than 0 is a failure (310000, a signature or keyword refusal, is not
 * retried).
 */
public final class DingTalkChannel extends ChatRobotChannel {
  private final String secret;
  private final Clock clock;

  DingTalkChannel(URI url, String secret, HttpPoster poster, Clock clock) {
    super("dingtalk", url, poster, "errcode", Set.of(310000, 300001));
    this.secret = secret == null ? "" : secret;
    this.clock = clock;
  }

  @Override
  ObjectNode body(Notice notice) {
    ObjectNode body = JSON.createObjectNode();
    body.put("msgtype", "text");
    body.putObject("text").put("content", notice.messages().im());
    ObjectNode at = body.putObject("at");
    ArrayNode mobiles = at.putArray("atMobiles");
    notice.recipients().addresses(Person::phone).forEach(mobiles::add);
    at.put("isAtAll", false);
    return body;
  }

  @Override
  URI target() {
    if (secret.isEmpty()) {
      return url;
    }
    long ts = clock.millis();
    String sign = URLEncoder.encode(sign(secret, ts), StandardCharsets.UTF_8);
    return URI.create(url + (url.getQuery() == null ? "?" : "&") + "timestamp=" + ts + "&sign=" + sign);
  }

  /** The signature DingTalk expects for a timestamp. */
  static String sign(String secret, long timestampMillis) {
    return Signatures.hmacSha256Base64(secret, timestampMillis + "\n" + secret);
  }
}
