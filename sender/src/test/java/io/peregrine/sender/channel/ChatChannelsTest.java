package io.peregrine.sender.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.time.ManualClock;
import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.receiver.Person;
import io.peregrine.sender.receiver.Recipients;
import io.peregrine.sender.testing.RecordingHttpServer;
import io.peregrine.sender.testing.TestEvents;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each chat robot against a loopback HTTP server: the exact JSON its vendor documents, and its signature. */
class ChatChannelsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SMS = "[P1][PROBLEM][host1][][note all(#3) cpu.idle k=v 3<10][O1 2023-11-14 22:13:20]";
  private final ManualClock clock = new ManualClock(Instant.parse("2027-01-15T02:00:00.123Z"));
  private final HttpPoster poster = new HttpPoster(HttpClient.newHttpClient(), Duration.ofSeconds(5));
  private final MessageFormatter formatter = new MessageFormatter(ZoneOffset.UTC, "");
  private final Recipients team = new Recipients(List.of(new Person("alice", "a@x", "13800000001", ""),
      new Person("bob", "", "13800000002", "")), Recipients.Status.RESOLVED, "");

  private Notice notice() {
    AlertEvent e = TestEvents.problem("s_3_chat", 1, 9, 1700000000);
    return Notice.of(e, "{}", formatter.render(e), team, List.of("*"), "");
  }

  private static String hmacBase64(byte[] key, byte[] message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return java.util.Base64.getEncoder().encodeToString(mac.doFinal(message));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      out.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void dingTalkPostsTextMentioningPhonesAndSignsTheUrl() throws Exception {
    try (RecordingHttpServer robot = RecordingHttpServer.alwaysOk().okBody("{\"errcode\":0,\"errmsg\":\"ok\"}")) {
      String secret = "SEC0123456789abcdef";
      new DingTalkChannel(URI.create(robot.url("/robot/send?access_token=tok")), secret, poster, clock)
          .send(notice());

      RecordingHttpServer.Request r = robot.requests().get(0);
      assertThat(r.contentType()).isEqualTo("application/json");
      assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("{\"msgtype\":\"text\",\"text\":{\"content\":"
          + JSON.writeValueAsString(SMS) + "},\"at\":{\"atMobiles\":[\"13800000001\",\"13800000002\"],"
          + "\"isAtAll\":false}}"));
      Map<String, String> q = query(r.query());
      assertThat(q).containsEntry("access_token", "tok").containsEntry("timestamp",
          String.valueOf(clock.millis()));
      // DingTalk: Base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret)), URL-encoded
      String expected = hmacBase64(secret.getBytes(StandardCharsets.UTF_8),
          (clock.millis() + "\n" + secret).getBytes(StandardCharsets.UTF_8));
      assertThat(q.get("sign")).isEqualTo(expected);
      assertThat(r.query()).contains("sign=" + java.net.URLEncoder.encode(expected, StandardCharsets.UTF_8));
    }
  }

  @Test
  void dingTalkErrorCodeIsAFailureAndASignatureRefusalIsPermanent() throws Exception {
    try (RecordingHttpServer robot = RecordingHttpServer.alwaysOk()
        .okBody("{\"errcode\":310000,\"errmsg\":\"sign not match\"}")) {
      DingTalkChannel c = new DingTalkChannel(URI.create(robot.url("/robot/send?access_token=secret-token")), "s",
          poster, clock);

      assertThatThrownBy(() -> c.send(notice())).isInstanceOf(ChannelException.class)
          .hasMessageContaining("sign not match").hasMessageNotContaining("secret-token")
          .matches(e -> ((ChannelException) e).permanent());
    }
    try (RecordingHttpServer robot = RecordingHttpServer.alwaysOk()
        .okBody("{\"errcode\":130101,\"errmsg\":\"send too fast\"}")) {
      DingTalkChannel c = new DingTalkChannel(URI.create(robot.url("/robot/send")), "", poster, clock);
      assertThatThrownBy(() -> c.send(notice())).matches(e -> !((ChannelException) e).permanent());
      assertThat(robot.requests().get(0).query()).isNull(); // unsigned: nothing added to the URL
    }
  }

  @Test
  void feishuSignsTheBodyWithTimestampAndSecret() throws Exception {
    try (RecordingHttpServer bot = RecordingHttpServer.alwaysOk().okBody("{\"code\":0,\"msg\":\"success\"}")) {
      String secret = "feishu-secret";
      new FeishuChannel(URI.create(bot.url("/open-apis/bot/v2/hook/abc")), secret, poster, clock).send(notice());

      JsonNode body = JSON.readTree(bot.requests().get(0).body());
      long ts = clock.millis() / 1000;
      // Feishu: Base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = empty))
      String expected = hmacBase64((ts + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]);
      assertThat(body).isEqualTo(JSON.readTree("{\"timestamp\":\"" + ts + "\",\"sign\":\"" + expected
          + "\",\"msg_type\":\"text\",\"content\":{\"text\":" + JSON.writeValueAsString(SMS) + "}}"));
    }
  }

  @Test
  void feishuRefusalInTheBodyIsAFailure() throws Exception {
    try (RecordingHttpServer bot = RecordingHttpServer.alwaysOk()
        .okBody("{\"code\":19021,\"msg\":\"sign match fail or timestamp is not within one hour from current time\"}")) {
      FeishuChannel c = new FeishuChannel(URI.create(bot.url("/hook")), "s", poster, clock);
      assertThatThrownBy(() -> c.send(notice())).hasMessageContaining("sign match fail")
          .matches(e -> ((ChannelException) e).permanent());
    }
  }

  @Test
  void weComPostsTextMentioningPhones() throws Exception {
    try (RecordingHttpServer robot = RecordingHttpServer.alwaysOk().okBody("{\"errcode\":0,\"errmsg\":\"ok\"}")) {
      new WeComChannel(URI.create(robot.url("/cgi-bin/webhook/send?key=k")), poster).send(notice());

      assertThat(JSON.readTree(robot.requests().get(0).body())).isEqualTo(JSON.readTree("{\"msgtype\":\"text\","
          + "\"text\":{\"content\":" + JSON.writeValueAsString(SMS) + ",\"mentioned_mobile_list\":[\"13800000001\","
          + "\"13800000002\"]}}"));
      assertThat(robot.requests().get(0).query()).isEqualTo("key=k");
    }
  }

  @Test
  void slackPostsText() throws Exception {
    try (RecordingHttpServer hook = RecordingHttpServer.alwaysOk()) {
      new SlackChannel(URI.create(hook.url("/services/T/B/X")), poster).send(notice());

      assertThat(JSON.readTree(hook.requests().get(0).body()))
          .isEqualTo(JSON.readTree("{\"text\":" + JSON.writeValueAsString(SMS) + "}"));
    }
    try (RecordingHttpServer hook = new RecordingHttpServer(n -> 400)) {
      SlackChannel c = new SlackChannel(URI.create(hook.url("/services/T/B/X")), poster);
      assertThatThrownBy(() -> c.send(notice())).matches(e -> ((ChannelException) e).permanent());
    }
  }

  @Test
  void genericWebhookCarriesTheQueuedDocumentUnchanged() throws Exception {
    try (RecordingHttpServer hook = RecordingHttpServer.alwaysOk()) {
      String doc = "{\"id\":\"s_3_x\",\"status\":\"PROBLEM\",\"endpoint\":\"h\",\"strategy\":{\"id\":3,"
          + "\"priority\":1,\"runbook\":\"https://wiki/x\"},\"futureField\":{\"a\":[1,2]}}";
      AlertEvent e = io.peregrine.common.event.AlertEventJson.read(doc);

      new WebhookChannel(URI.create(hook.url("/hook")), poster).send(Notice.of(e, doc, formatter.render(e), team,
          List.of("*"), ""));

      assertThat(hook.requests().get(0).body()).isEqualTo(doc);
    }
  }

  @Test
  void gatewayBodyTemplateFillsEscapedValues() throws Exception {
    try (RecordingHttpServer gw = RecordingHttpServer.alwaysOk()) {
      BodyTemplate t = BodyTemplate.parse("sender.smsBodyTemplate", "{\"phones\":\"${tos}\",\"text\":\"${content}\"}");
      GatewayChannel.sms(URI.create(gw.url("/sms")), poster, 6, t).send(Notice.of(notice().event(), "{}",
          new io.peregrine.sender.message.Messages("say \"hi\"\n", "", "", "", ""), team,
          List.of("13800000001", "13800000002"), ""));

      assertThat(gw.requests().get(0).contentType()).isEqualTo("application/json");
      assertThat(JSON.readTree(gw.requests().get(0).body())).isEqualTo(JSON.readTree(
          "{\"phones\":\"13800000001,13800000002\",\"text\":\"say \\\"hi\\\"\\n\"}"));
    }
    assertThatThrownBy(() -> BodyTemplate.parse("k", "{\"a\":${content}}")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> BodyTemplate.parse("k", "{\"a\":\"${phone}\"}")).hasMessageContaining("${phone}");
  }

  @Test
  void secretsComeFromFiles(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("dingtalk");
    Files.writeString(f, "SECfromfile\n");
    assertThat(Secrets.resolve("sender.dingtalkSecret", "file:" + f)).isEqualTo("SECfromfile");
    assertThat(Secrets.resolve("sender.dingtalkSecret", "inline")).isEqualTo("inline");
    assertThatThrownBy(() -> Secrets.resolve("sender.feishuSecret", "file:" + dir.resolve("missing")))
        .hasMessageContaining("sender.feishuSecret").hasMessageContaining("missing");
  }
}
