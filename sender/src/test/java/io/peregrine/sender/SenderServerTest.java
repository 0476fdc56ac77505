package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.common.time.ManualClock;
import io.peregrine.sender.testing.Configs;
import io.peregrine.sender.testing.FakeHbs;
import io.peregrine.sender.testing.RecordingHttpServer;
import io.peregrine.sender.testing.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whole sender against the in-process queue, real HTTP receivers and a real gRPC hbs. */
class SenderServerTest {
  private static final long T = LocalDateTime.of(2026, 11, 22, 10, 0).toEpochSecond(ZoneOffset.UTC);
  private static final String SMS = "[P0][PROBLEM][host1][][note all(#3) cpu.idle k=v 3<10][O1 2026-11-22 10:00:00]";

  private final InProcessAlertQueue queue = new InProcessAlertQueue(100);
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);
  private SenderServer sender;

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
  }

  private SenderServer start(Map<String, Object> keys) throws Exception {
    sender = new SenderServer(Configs.sender(keys), queue, console);
    sender.start();
    return sender;
  }

  private String console() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  private double counter(String name, String... tags) {
    var search = sender.registry().find(name).tags(tags);
    return search.counter() == null ? 0 : search.counter().count();
  }

  @Test
  void printsPublishedEventOnConsoleInOpenFalconShape() throws Exception {
    start(Map.of());

    queue.publish(TestEvents.problem("s_3_a", 0, 0, T));

    await().atMost(Duration.ofSeconds(10)).until(() -> console().contains(SMS));
    assertThat(console())
        .isEqualTo(SMS + " -> (nobody: no receiver lookup, sender.hbsAddress is empty)" + System.lineSeparator());
    await().atMost(Duration.ofSeconds(5)).until(() -> counter("sender.acked") == 1);
    assertThat(counter("sender.delivered", "channel", "console")).isEqualTo(1);
  }

  @Test
  void takesMostUrgentEventFirst() throws Exception {
    queue.publish(TestEvents.problem("s_3_low", 6, 0, T));
    queue.publish(TestEvents.problem("s_3_high", 0, 0, T));
    start(Map.of("workers", 1));

    await().atMost(Duration.ofSeconds(10)).until(() -> console().lines().count() == 2);
    assertThat(console().lines().toList().get(0)).startsWith("[P0]");
    assertThat(console().lines().toList().get(1)).startsWith("[P6]");
  }

  @Test
  void retriesFailingWebhookAndDeliversItOnce() throws Exception {
    try (RecordingHttpServer hook = new RecordingHttpServer(n -> n <= 2 ? 500 : 204)) {
      start(Map.of("webhookUrl", hook.url("/hook")));
      AlertEvent event = TestEvents.problem("s_3_b", 1, 0, T);

      queue.publish(event);

      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 1);
      assertThat(hook.requests()).hasSize(3);
      assertThat(hook.succeeded()).isEqualTo(1);
      RecordingHttpServer.Request delivered = hook.requests().get(2);
      assertThat(delivered.contentType()).isEqualTo("application/json");
      assertThat(delivered.body()).contains("\"id\":\"s_3_b\"").contains("\"status\":\"PROBLEM\"");
      assertThat(delivered.headers()).containsEntry("x-peregrine-event-key", event.eventKey());
      // the console succeeded on the first attempt and is not repeated by the webhook's retries
      assertThat(console().lines().count()).isEqualTo(1);
      assertThat(counter("sender.failed", "channel", "webhook")).isEqualTo(2);
      assertThat(counter("sender.retried")).isEqualTo(2);
      assertThat(counter("sender.delivered", "channel", "webhook")).isEqualTo(1);
      assertThat(queue.deadLetters()).isEmpty();
    }
  }

  @Test
  void deadLettersEventWhenGatewayKeepsFailing() throws Exception {
    try (FakeHbs hbs = FakeHbs.withOnCallTeam();
        RecordingHttpServer sms = new RecordingHttpServer(n -> 503)) {
      // a clock the test moves: a first attempt that is slow on a loaded machine does not eat the whole deadline
      ManualClock clock = new ManualClock(Instant.parse("2027-01-15T02:00:00Z"));
      sender = new SenderServer(Configs.sender(Map.of("hbsAddress", hbs.address(), "smsGatewayUrl",
          sms.url("/sms"), "retryDeadline", Duration.ofMillis(300))), queue, console, clock);
      sender.start();

      queue.publish(TestEvents.problem("s_3_c", 0, 9, T));

      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
        if (!sms.requests().isEmpty() && counter("sender.retried") == sms.requests().size()) {
          clock.advance(Duration.ofMillis(100)); // only while a retry waits, never during an attempt
        }
        return queue.deadLetters().size() == 1;
      });
      assertThat(queue.deadLetters().get(0)).contains("\"id\":\"s_3_c\"");
      assertThat(queue.deadLetterEntries().get(0).reason()).isNotBlank();
      assertThat(queue.deadLetterEntries().get(0).reason()).startsWith("gave up after").contains("answered 503");
      assertThat(sms.requests().size()).isGreaterThan(1);
      assertThat(counter("sender.failed", "channel", "sms")).isEqualTo(sms.requests().size());
      assertThat(counter("sender.dead_lettered", "reason", "deadline")).isEqualTo(1);
      assertThat(counter("sender.acked")).isZero();
      assertThat(console().lines().count()).isEqualTo(1);
    }
  }

  @Test
  void postsOpenFalconGatewayFormsToReceivers() throws Exception {
    try (FakeHbs hbs = FakeHbs.withOnCallTeam();
        RecordingHttpServer gateways = RecordingHttpServer.alwaysOk()) {
      start(Map.of("hbsAddress", hbs.address(), "smsGatewayUrl", gateways.url("/sms"),
          "imGatewayUrl", gateways.url("/im"), "mailGatewayUrl", gateways.url("/mail")));

      queue.publish(TestEvents.problem("s_3_d", 0, 9, T));

      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 1);
      Map<String, Map<String, String>> byPath = new java.util.HashMap<>();
      gateways.requests().forEach(r -> byPath.put(r.path(), r.form()));
      assertThat(byPath.get("/sms")).isEqualTo(Map.of("tos", "13800000001,13800000002",
          "content", SMS));
      assertThat(byPath.get("/im")).containsEntry("tos", "alice.im").containsEntry("content", SMS);
      assertThat(byPath.get("/mail")).containsEntry("tos", "alice@example.com").containsEntry("subject", SMS)
          .hasEntrySatisfying("content", body -> assertThat(body).startsWith("PROBLEM\r\nP0\r\nEndpoint:host1\r\n"));
      assertThat(gateways.requests().get(0).contentType()).startsWith("application/x-www-form-urlencoded");
      assertThat(console()).contains(SMS + " -> alice, bob");
    }
  }

  @Test
  void textsOnlyUrgentEventsButMailsAll() throws Exception {
    try (FakeHbs hbs = FakeHbs.withOnCallTeam();
        RecordingHttpServer gateways = RecordingHttpServer.alwaysOk()) {
      start(Map.of("hbsAddress", hbs.address(), "smsGatewayUrl", gateways.url("/sms"),
          "imGatewayUrl", gateways.url("/im"), "mailGatewayUrl", gateways.url("/mail"), "mergeFromPriority", 7));

      queue.publish(TestEvents.problem("s_3_g", 3, 9, T));

      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 1);
      assertThat(gateways.requests()).extracting(RecordingHttpServer.Request::path).containsExactly("/mail");
      assertThat(counter("sender.skipped", "channel", "sms", "reason", "not_urgent")).isEqualTo(1);
      assertThat(counter("sender.skipped", "channel", "im", "reason", "not_urgent")).isEqualTo(1);
    }
  }

  @Test
  void skipsGatewaysWhenActionHasNobodyButStillPrints() throws Exception {
    try (FakeHbs hbs = FakeHbs.withOnCallTeam();
        RecordingHttpServer sms = RecordingHttpServer.alwaysOk()) {
      start(Map.of("hbsAddress", hbs.address(), "smsGatewayUrl", sms.url("/sms")));

      queue.publish(TestEvents.problem("s_3_e", 0, 77, T));

      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 1);
      assertThat(sms.requests()).isEmpty();
      assertThat(counter("sender.skipped", "channel", "sms", "reason", "no_recipients")).isEqualTo(1);
      assertThat(console()).contains("(nobody: action 77 is unknown to hbs)");
    }
  }

  @Test
  void servesHealthMetricsAndDeadLetters() throws Exception {
    start(Map.of());
    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + sender.httpPort();

    HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    queue.publish(TestEvents.problem("s_3_f", 0, 0, T));
    await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 1);
    HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> dead = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/dead-letters"))
        .build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> replay = client.send(HttpRequest.newBuilder(
        URI.create(base + "/api/v1/dead-letters/replay")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"source\":\"UP\"").contains("\"workers\":\"UP\"");
    assertThat(metrics.body()).contains("sender_delivered_total{channel=\"console\",component=\"sender\"} 1.0");
    assertThat(dead.statusCode()).isEqualTo(200);
    assertThat(dead.body()).isEqualTo("{\"count\":0,\"deadLetters\":[]}");
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.body()).isEqualTo("{\"replayed\":0}");
  }
}
