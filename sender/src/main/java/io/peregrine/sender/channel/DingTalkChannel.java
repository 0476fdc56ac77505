package io.peregrine.sender.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peregrine.sender.receiver.Person;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/**
 * A DingTalk group robot ({@code https://oapi.dingtalk.com/robot/send?access_token=...}): a text message
 * {@code {"msgtype":"text","text":{"content":...},"at":{"atMobiles":[...],"isAtAll":false}}} that mentions the
 * receivers' phones. With a signing secret, {@code &timestamp=<ms>&sign=<s>} is added to the URL, where s is the
 * URL-encoded Base64 of HMAC-SHA256 over {@code timestamp + "\n" + secret} keyed with the secret, as DingTalk
 * documents. An answer with {@code errcode} other than 0 is a failure (310000, a signature or keyword refusal, is not
 * retried).
 */
public final class DingTalkChannel implements Channel {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<Integer> PERMANENT = Set.of(310000, 300001);
  private final URI url;
  private final String secret;
  private final HttpPoster poster;
  private final Clock clock;

  DingTalkChannel(URI url, String secret, HttpPoster poster, Clock clock) {
    this.url = url;
    this.secret = secret == null ? "" : secret;
    this.poster = poster;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "dingtalk";
  }

  @Override
  public Family family() {
    return Family.TEXT;
  }

  @Override
  public void send(Notice notice) throws ChannelException {
    ObjectNode body = JSON.createObjectNode();
    body.put("msgtype", "text");
    body.putObject("text").put("content", notice.messages().im());
    ObjectNode at = body.putObject("at");
    ArrayNode mobiles = at.putArray("atMobiles");
    notice.recipients().addresses(Person::phone).forEach(mobiles::add);
    at.put("isAtAll", false);
    URI target = url;
    if (!secret.isEmpty()) {
      long ts = clock.millis();
      String sign = URLEncoder.encode(Signatures.hmacSha256Base64(secret, ts + "\n" + secret),
          StandardCharsets.UTF_8);
      target = URI.create(url + (url.getQuery() == null ? "?" : "&") + "timestamp=" + ts + "&sign=" + sign);
    }
    String answer = poster.post(name(), target, "application/json", body.toString(), Map.of());
    ChatAnswer.check(name(), url, answer, "errcode", PERMANENT);
  }

  /** For tests: the signature DingTalk expects for a timestamp. */
  static String sign(String secret, long timestampMillis) {
    return Signatures.hmacSha256Base64(secret, timestampMillis + "\n" + secret);
  }
}
