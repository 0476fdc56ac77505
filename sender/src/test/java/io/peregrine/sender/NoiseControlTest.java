package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.EventStrategy;
import io.peregrine.common.event.EventTemplate;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.common.time.ManualClock;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.sender.testing.Configs;
import io.peregrine.sender.testing.FakeHbs;
import io.peregrine.sender.testing.RecordingHttpServer;
import io.peregrine.sender.testing.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Merging of low-priority events into digests and the per-receiver rate limit, with a clock the test moves. */
class NoiseControlTest {
  private static final long T = 1_800_000_000L;
  private final PrintStream console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  private final ManualClock clock = new ManualClock(Instant.parse("2027-01-15T02:00:00Z"));
  private InProcessAlertQueue queue = new InProcessAlertQueue(1_000);
  private SenderServer sender;

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
  }

  private void start(Map<String, Object> keys) throws Exception {
    Map<String, Object> all = new HashMap<>(Map.of("console", false, "smsMaxPriority", 6));
    all.putAll(keys);
    sender = new SenderServer(Configs.sender(all), queue, console, clock);
    sender.start();
  }

  private double counter(String name, String... tags) {
    var c = sender.registry().find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private static AlertEvent event(String host, String metric, int priority, String status, long time) {
    EventStrategy s = new EventStrategy(Math.abs(metric.hashCode() % 1000), metric, Map.of(), "all(#1)", ">", 90, 3,
        priority, "too high", new EventTemplate(4, "base", 0, 9, "root"));
    String id = "s_" + s.id() + "_" + host;
    return new AlertEvent(id, s, null, status, host, 95, 1, time, Map.of(), priority, metric,
        AlertEvent.keyOf(id, status, time, 1), List.of(95.0));
  }

  private void passWindow() {
    clock.advance(Duration.ofSeconds(61));
    sender.dispatcher().flushDigests();
  }

  @Test
  void lowPriorityEventsReachEachReceiverAsOneDigestPerChannel() throws Exception {
    try (FakeHbs hbs = FakeHbs.withOnCallTeam();
        RecordingHttpServer gw = RecordingHttpServer.alwaysOk()) {
      start(Map.of("hbsAddress", hbs.address(), "smsGatewayUrl", gw.url("/sms"), "mailGatewayUrl", gw.url("/mail")));
      for (int i = 0; i < 30; i++) {
        queue.publish(event("host" + i, "disk.used", 4, i % 10 == 9 ? AlertEvent.OK : AlertEvent.PROBLEM, T + i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.merged", "channel", "sms") == 60);
      assertThat(gw.requests()).isEmpty(); // nothing before the window ends

      passWindow();

      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 30);
      List<RecordingHttpServer.Request> sms = gw.requests().stream().filter(r -> r.path().equals("/sms")).toList();
      List<RecordingHttpServer.Request> mail = gw.requests().stream().filter(r -> r.path().equals("/mail")).toList();
      assertThat(sms).extracting(r -> r.form().get("tos")).containsExactlyInAnyOrder("13800000001", "13800000002");
      String text = sms.get(0).form().get("content");
      assertThat(text.lines().toList()).hasSize(1 + 5 + 1);
      assertThat(text).startsWith("[P4][DIGEST][30 alerts (27 PROBLEM, 3 OK)]\n[P4][PROBLEM][host0][]")
          .endsWith("... and 25 more");
      assertThat(mail).hasSize(1);
      assertThat(mail.get(0).form()).containsEntry("tos", "alice@example.com")
          .containsEntry("subject", "[P4][DIGEST] 30 alerts (27 PROBLEM, 3 OK)");
      String table = mail.get(0).form().get("content");
      assertThat(table.lines().filter(l -> l.contains(" | P4 | host")).count()).isEqualTo(30);
      assertThat(counter("sender.digests.sent", "channel", "sms", "kind", "merged")).isEqualTo(2);
      assertThat(counter("sender.digest.events", "channel", "mail")).isEqualTo(30);
    }
  }

  @Test
  void groupByKeysSplitDigests() throws Exception {
    try (FakeHbs hbs = FakeHbs.withOnCallTeam();
        RecordingHttpServer gw = RecordingHttpServer.alwaysOk()) {
      start(Map.of("hbsAddress", hbs.address(), "mailGatewayUrl", gw.url("/mail"), "mergeGroupBy",
          List.of("metric")));
      for (int i = 0; i < 12; i++) {
        queue.publish(event("host" + i, i % 3 == 0 ? "mem.used" : "disk.used", 5, AlertEvent.PROBLEM, T + i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.merged", "channel", "mail") == 12);
      passWindow();
      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 12);

      assertThat(gw.requests()).extracting(r -> r.form().get("subject"))
          .containsExactlyInAnyOrder("[P5][DIGEST] 4 alerts (4 PROBLEM, 0 OK)",
              "[P5][DIGEST] 8 alerts (8 PROBLEM, 0 OK)");
    }
  }

  @Test
  void eachEventOfADigestIsRecordedInTheIncidentHistory() throws Exception {
    try (FakeHbs hbs = FakeHbs.withOnCallTeam();
        RecordingHttpServer gw = new RecordingHttpServer(n -> n == 1 ? 502 : 200)) {
      start(Map.of("hbsAddress", hbs.address(), "mailGatewayUrl", gw.url("/mail")));
      for (int i = 0; i < 3; i++) {
        queue.publish(event("db" + i, "disk.used", 5, AlertEvent.PROBLEM, T + i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.merged", "channel", "mail") == 3);
      passWindow(); // the gateway fails the first digest: a failed entry per event
      await().atMost(Duration.ofSeconds(10)).until(() -> notified(hbs, "failed") == 3);
      // the retries come back through the digest (after their backoff on the moved clock): each event told once more
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        passWindow();
        return counter("sender.acked") == 3;
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> notified(hbs, "ok") == 3);
      assertThat(hbs.history().stream().filter(e -> e.getKind().equals("notified")).map(e -> e.getEndpoint()))
          .containsExactlyInAnyOrder("db0", "db1", "db2", "db0", "db1", "db2");
      assertThat(hbs.history().stream().filter(e -> e.getKind().equals("notified")))
          .allSatisfy(e -> {
            assertThat(e.getChannel()).isEqualTo("mail");
            assertThat(e.getReceiver()).isEqualTo("alice@example.com");
          });
      // the first digest held all three; the retries' jittered backoffs may fall into different windows
      assertThat(hbs.history().stream().filter(e -> e.getKind().equals("notified") && e.getResult().equals("failed")))
          .allSatisfy(e -> assertThat(e.getDetail()).contains("digest of 3 events"));
      assertThat(hbs.history().stream().filter(e -> e.getKind().equals("notified") && e.getResult().equals("ok")))
          .allSatisfy(e -> assertThat(e.getDetail()).containsPattern("digest of [123] events"));
    }
  }

  private static long notified(FakeHbs hbs, String result) {
    return hbs.history().stream().filter(e -> e.getKind().equals("notified") && e.getResult().equals(result))
        .count();
  }

  @Test
  void urgentEventsGoAtOnceAndTheRateLimitHoldsBackProblemsButNeverRecoveries() throws Exception {
    try (FakeHbs hbs = FakeHbs.withOnCallTeam();
        RecordingHttpServer gw = RecordingHttpServer.alwaysOk()) {
      start(Map.of("hbsAddress", hbs.address(), "smsGatewayUrl", gw.url("/sms"), "rateLimit", 2));
      for (int i = 0; i < 5; i++) {
        queue.publish(event("web" + i, "http.5xx", 0, AlertEvent.PROBLEM, T + i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.held", "reason", "rate_limit") == 6);
      queue.publish(event("web9", "http.5xx", 0, AlertEvent.OK, T + 10));
      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 3);

      // two PROBLEMs and the OK went at once, to both phones in one request each
      assertThat(gw.requests()).hasSize(3);
      assertThat(gw.requests()).allSatisfy(r -> assertThat(r.form().get("tos")).isEqualTo("13800000001,13800000002"));
      assertThat(gw.requests().get(2).form().get("content")).startsWith("[P0][OK][web9]");

      passWindow();

      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 6);
      List<RecordingHttpServer.Request> digests = gw.requests().subList(3, gw.requests().size());
      assertThat(digests).extracting(r -> r.form().get("tos"))
          .containsExactlyInAnyOrder("13800000001", "13800000002");
      assertThat(digests.get(0).form().get("content"))
          .startsWith("[P0][DIGEST][3 alerts (3 PROBLEM, 0 OK), held back by the rate limit]");
      assertThat(counter("sender.digests.sent", "channel", "sms", "kind", "held")).isEqualTo(2);
      assertThat(counter("sender.rate_limited", "channel", "sms")).isEqualTo(6);
    }
  }

  @Test
  void stormOfLowPriorityEventsReachesEachReceiverAsOneDigestPerChannel() throws Exception {
    queue = new InProcessAlertQueue(20_000);
    List<Receiver> team = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      team.add(Receiver.newBuilder().setName("u" + i).setEmail("u" + i + "@example.com").setPhone("1380000000" + i)
          .setIm("u" + i + ".im").build());
    }
    try (FakeHbs hbs = new FakeHbs(Map.of(9L, team));
        RecordingHttpServer gw = RecordingHttpServer.alwaysOk()) {
      start(Map.of("hbsAddress", hbs.address(), "smsGatewayUrl", gw.url("/sms"), "imGatewayUrl", gw.url("/im"),
          "mailGatewayUrl", gw.url("/mail"), "workers", 4));
      // 20 hosts x 100 metrics within one minute (the 10,000-event storm is the bench's: docs/BENCHMARKS.md)
      int events = 2_000;
      for (int i = 0; i < events; i++) {
        queue.publish(event("host" + (i % 20), "app.metric" + (i / 20), 4, AlertEvent.PROBLEM, T + i / 34));
      }
      // five mail receivers: five merged sends per event
      await().atMost(Duration.ofSeconds(60)).until(() -> counter("sender.merged", "channel", "mail") == 5 * events);
      passWindow();
      await().atMost(Duration.ofSeconds(60)).until(() -> counter("sender.acked") == events);

      Map<String, Long> perReceiverAndChannel = gw.requests().stream().collect(Collectors.groupingBy(
          r -> r.path() + " " + r.form().get("tos"), Collectors.counting()));
      assertThat(perReceiverAndChannel).hasSize(15); // 5 people x 3 channels
      assertThat(perReceiverAndChannel.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
      assertThat(gw.requests().get(0).form().get("content")).contains("2000 alerts");
    }
  }
}
