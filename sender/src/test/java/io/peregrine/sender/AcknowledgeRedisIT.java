package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.time.ManualClock;
import io.peregrine.sender.testing.Configs;
import io.peregrine.sender.testing.FakeHbs;
import io.peregrine.sender.testing.RecordingHttpServer;
import io.peregrine.sender.testing.TestEvents;
import io.peregrine.sender.testing.TestRedis;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Acknowledgement end to end on the real Redis (a prefix of the test's own), GreenMail for SMTP, a loopback IM
 * gateway and a manual clock: the link in the mail and the IM, the API, the signed page (valid, tampered, expired),
 * repeats that stop, the recovery that still goes out naming who acknowledged, and the state across a restart and a
 * second sender.
 */
class AcknowledgeRedisIT {
  @RegisterExtension
  static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());
  private static final String SECRET = "an-ack-secret-of-at-least-32-characters";
  private static final long T = LocalDateTime.of(2026, 11, 22, 10, 0).toEpochSecond(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestRedis redis = new TestRedis();
  private final ManualClock clock = new ManualClock(T);
  private final PrintStream console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<SenderServer> senders = new java.util.ArrayList<>();

  @AfterEach
  void stop() {
    senders.forEach(SenderServer::close);
    redis.close();
  }

  private SenderServer start(FakeHbs hbs, RecordingHttpServer im, String consumer) throws Exception {
    Map<String, Object> keys = new HashMap<>(Map.of("redisUrl", TestRedis.URL, "redisKeyPrefix", redis.prefix(),
        "consumerId", consumer, "hbsAddress", hbs.address(), "console", false, "imGatewayUrl", im.url("/im"),
        "smtpHost", "127.0.0.1", "smtpPort", MAIL.getSmtp().getPort()));
    keys.put("lifecycle.ackSecret", SECRET);
    keys.put("lifecycle.ackUrl", "http://sender.example.com:6066");
    keys.put("lifecycle.ackLinkTtl", Duration.ofHours(1));
    keys.put("mergeFromPriority", 7);
    SenderServer s = new SenderServer(Configs.sender(keys), null, null, console, clock);
    senders.add(s);
    s.start();
    return s;
  }

  private void publish(AlertEvent e) {
    redis.redis().lpush(redis.prefix() + "event:p" + e.priority(), AlertEventJson.write(e));
  }

  private static AlertEvent step(AlertEvent e, String status, int step, long time) {
    return new AlertEvent(e.id(), e.strategy(), e.expression(), status, e.endpoint(), e.leftValue(), step, time,
        e.pushedTags(), e.priority(), e.metric(), AlertEvent.keyOf(e.id(), status, time, step), e.values());
  }

  private static double counter(SenderServer s, String name, String... tags) {
    var c = s.registry().find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private HttpResponse<String> call(SenderServer s, String method, String pathAndQuery, String body, String type)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + pathAndQuery))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anAcknowledgedIncidentStopsRepeatingAndItsRecoveryNamesWhoAcknowledged() throws Exception {
    try (RecordingHttpServer im = RecordingHttpServer.alwaysOk(); FakeHbs hbs = FakeHbs.withOnCallTeam()) {
      SenderServer sender = start(hbs, im, "ack-1");
      AlertEvent first = TestEvents.problem("s_3_ack", 1, 9, T);
      publish(first);
      await().atMost(Duration.ofSeconds(10)).until(() -> MAIL.getReceivedMessages().length == 1
          && im.requests().size() == 1);

      // the mail and the IM carry the link; the SMS-shaped subject stays Open-Falcon's
      MimeMessage mail = MAIL.getReceivedMessages()[0];
      assertThat(mail.getSubject()).doesNotContain("ack");
      Matcher m = Pattern.compile("Acknowledge:(http://sender\\.example\\.com:6066/ack\\?\\S+)")
          .matcher(GreenMailUtil.getBody(mail));
      assertThat(m.find()).isTrue();
      String link = m.group(1).replace("=\r\n", "").replace("=3D", "=");
      assertThat(im.requests().get(0).form().get("content")).contains("[acknowledge: " + link + "]");
      String query = link.substring(link.indexOf('?'));

      // the page shows a form; it does not acknowledge by itself (mail scanners open links)
      HttpResponse<String> page = call(sender, "GET", "/ack" + query, null, null);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(page.body()).contains("<form method=\"post\" action=\"/ack\">").contains("host1 cpu.idle");
      assertThat(JSON.readTree(call(sender, "GET", "/api/v1/incidents/s_3_ack", null, null).body())
          .get("acknowledged").asBoolean()).isFalse();

      // tampered and expired links answer a page and acknowledge nothing
      HttpResponse<String> tampered = call(sender, "GET", "/ack" + query.replace("s_3_ack", "s_3_acl"), null, null);
      assertThat(tampered.statusCode()).isEqualTo(403);
      assertThat(tampered.body()).contains("<h1>This link is not valid</h1>");
      assertThat(call(sender, "GET", "/ack?id=s_3_ack", null, null).statusCode()).isEqualTo(403);
      HttpResponse<String> bogusPost = call(sender, "POST", "/ack", query.substring(1).replace("sig=", "sig=x")
          + "&by=mallory", "application/x-www-form-urlencoded");
      assertThat(bogusPost.statusCode()).isEqualTo(403);
      clock.advance(Duration.ofHours(1));
      HttpResponse<String> expired = call(sender, "POST", "/ack", query.substring(1) + "&by=alice",
          "application/x-www-form-urlencoded");
      assertThat(expired.statusCode()).isEqualTo(410);
      assertThat(expired.body()).contains("<h1>This link has expired</h1>");
      clock.advance(Duration.ofMinutes(-30));

      // the form's POST acknowledges; a second acknowledgement keeps the first
      HttpResponse<String> missingName = call(sender, "POST", "/ack", query.substring(1) + "&by=",
          "application/x-www-form-urlencoded");
      assertThat(missingName.statusCode()).isEqualTo(400);
      HttpResponse<String> acked = call(sender, "POST", "/ack", query.substring(1)
          + "&by=alice&comment=disk+cleanup+running", "application/x-www-form-urlencoded");
      assertThat(acked.statusCode()).as(acked.body()).isEqualTo(200);
      assertThat(acked.body()).contains("<h1>Acknowledged</h1>");
      HttpResponse<String> again = call(sender, "POST", "/api/v1/incidents/s_3_ack/ack", "{\"by\":\"bob\"}",
          "application/json");
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(JSON.readTree(again.body()).get("acknowledgedBy").asText()).isEqualTo("alice");

      // repeats stop: the judge's step 2 is taken and acknowledged, nobody is told
      publish(step(first, AlertEvent.PROBLEM, 2, T + 300));
      await().atMost(Duration.ofSeconds(10)).until(() -> counter(sender, "sender.suppressed", "reason",
          "acknowledged") == 1);
      assertThat(MAIL.getReceivedMessages()).hasSize(1);

      // a restart keeps the acknowledgement (it is in Redis), and so does a second sender
      sender.close();
      SenderServer restarted = start(hbs, im, "ack-1");
      SenderServer second = start(hbs, im, "ack-2");
      publish(step(first, AlertEvent.PROBLEM, 3, T + 600));
      await().atMost(Duration.ofSeconds(10)).until(() -> counter(restarted, "sender.suppressed", "reason",
          "acknowledged") + counter(second, "sender.suppressed", "reason", "acknowledged") == 1);
      assertThat(im.requests()).hasSize(1);

      // the recovery is still told, saying who acknowledged it, when and why
      publish(step(first, AlertEvent.OK, 1, T + 900));
      await().atMost(Duration.ofSeconds(10)).until(() -> MAIL.getReceivedMessages().length == 2
          && im.requests().size() == 2);
      String remark = "acknowledged by alice at 2026-11-22 10:30:00: disk cleanup running";
      assertThat(GreenMailUtil.getBody(MAIL.getReceivedMessages()[1])).contains("Remark:" + remark);
      assertThat(im.requests().get(1).form().get("content")).contains("[" + remark + "]")
          .doesNotContain("acknowledge: ");
      assertThat(call(second, "GET", "/api/v1/incidents/s_3_ack", null, null).statusCode()).isEqualTo(404);

      // the next incident of the same id starts unacknowledged
      publish(step(first, AlertEvent.PROBLEM, 1, T + 1800));
      await().atMost(Duration.ofSeconds(10)).until(() -> im.requests().size() == 3);
      JsonNode open = JSON.readTree(call(restarted, "GET", "/api/v1/incidents/s_3_ack", null, null).body());
      assertThat(open.get("acknowledged").asBoolean()).isFalse();
      assertThat(open.get("openedAt").asLong()).isEqualTo(T + 1800);
    }
  }

  @Test
  void theApiChecksItsInput() throws Exception {
    try (RecordingHttpServer im = RecordingHttpServer.alwaysOk(); FakeHbs hbs = FakeHbs.withOnCallTeam()) {
      SenderServer sender = start(hbs, im, "ack-api");
      publish(TestEvents.problem("s_3_api", 1, 9, T));
      await().atMost(Duration.ofSeconds(10)).until(() -> im.requests().size() == 1);
      String ack = "/api/v1/incidents/s_3_api/ack";
      assertThat(call(sender, "POST", "/api/v1/incidents/s_3_unknown/ack", "{\"by\":\"a\"}", "application/json")
          .statusCode()).isEqualTo(404);
      assertThat(call(sender, "POST", "/api/v1/incidents/bad%20id/ack", "{\"by\":\"a\"}", "application/json")
          .statusCode()).isEqualTo(400);
      assertThat(call(sender, "POST", ack, "not json", "application/json").body()).contains("must be JSON");
      assertThat(call(sender, "POST", ack, "{}", "application/json").body()).contains("'by' (who acknowledges)");
      assertThat(call(sender, "POST", ack, "{\"by\":\"" + "x".repeat(65) + "\"}", "application/json").statusCode())
          .isEqualTo(400);
      assertThat(call(sender, "POST", ack, "{\"by\":\"a\",\"comment\":\"" + "x".repeat(1025) + "\"}",
          "application/json").body()).contains("at most 1024");
      assertThat(call(sender, "POST", ack, "{\"by\":\"a\",\"comment\":\"" + "x".repeat(9000) + "\"}",
          "application/json").statusCode()).isEqualTo(413);
      assertThat(call(sender, "GET", ack, null, null).statusCode()).isEqualTo(405);
      HttpResponse<String> ok = call(sender, "POST", ack, "{\"by\":\"bob\",\"comment\":\"<b>on it</b>\"}",
          "application/json");
      assertThat(ok.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(ok.body());
      assertThat(body.get("acknowledgedBy").asText()).isEqualTo("bob");
      assertThat(body.get("acknowledgedAt").asLong()).isEqualTo(T * 1000);
      assertThat(body.get("lastStep").asInt()).isEqualTo(1);
    }
  }
}
