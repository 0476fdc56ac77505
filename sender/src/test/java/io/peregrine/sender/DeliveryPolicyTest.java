package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.common.time.ManualClock;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retry budget, incident order: the whole sender on the in-process queue, a clock the test moves. */
class DeliveryPolicyTest {
  private static final long T = 1_800_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final InProcessAlertQueue queue = new InProcessAlertQueue(1_000);
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);
  private final Instant start = Instant.parse("2027-01-15T02:00:00Z");
  private final ManualClock clock = new ManualClock(start);
  private SenderServer sender;

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
  }

  private void start(Map<String, Object> keys) throws Exception {
    sender = new SenderServer(Configs.sender(keys), queue, console, clock);
    sender.start();
  }

  private double counter(String name, String... tags) {
    var c = sender.registry().find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private static AlertEvent ok(String id, int priority, long eventTime) {
    AlertEvent p = TestEvents.problem(id, priority, 0, eventTime);
    return new AlertEvent(p.id(), p.strategy(), null, AlertEvent.OK, p.endpoint(), 12, 1, eventTime, p.pushedTags(),
        priority, p.metric(), AlertEvent.keyOf(id, AlertEvent.OK, eventTime, 1), List.of(12.0));
  }

  private static AlertEvent step(String id, int step, long eventTime) {
    AlertEvent p = TestEvents.problem(id, 1, 0, eventTime);
    return new AlertEvent(p.id(), p.strategy(), null, p.status(), p.endpoint(), p.leftValue(), step, eventTime,
        p.pushedTags(), 1, p.metric(), AlertEvent.keyOf(id, p.status(), eventTime, step), p.values());
  }

  @Test
  void gatewayDownForTenMinutesIsRiddenOutAndDeliveredWhenItReturns() throws Exception {
    Instant back = start.plus(Duration.ofMinutes(10));
    try (RecordingHttpServer hook = new RecordingHttpServer(n -> clock.instant().isBefore(back) ? 503 : 200)) {
      start(Map.of("webhookUrl", hook.url("/hook"), "console", false, "retryBackoff", Duration.ofSeconds(1),
          "retryBackoffMax", Duration.ofMinutes(1)));
      queue.publish(TestEvents.problem("s_1_outage", 0, 0, T));
      await().atMost(Duration.ofSeconds(10)).until(() -> hook.requests().size() >= 1); // a retry may follow at once (full jitter)

      // the old budget (5 attempts, about 15 s) would have dead-lettered it long before the gateway returns
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
        clock.advance(Duration.ofSeconds(2));
        return hook.succeeded() == 1;
      });

      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 1);
      assertThat(queue.deadLetters()).isEmpty();
      assertThat(hook.requests().size()).as("jittered backoff, no storm").isBetween(4, 60);
      assertThat(counter("sender.retried")).isEqualTo(hook.requests().size() - 1);
    }
  }

  @Test
  void gatewayDownPastTheDeadlineDeadLettersWithTheLastError() throws Exception {
    try (RecordingHttpServer hook = new RecordingHttpServer(n -> 502)) {
      start(Map.of("webhookUrl", hook.url("/hook"), "console", false, "retryDeadline", Duration.ofMinutes(30)));
      queue.publish(TestEvents.problem("s_1_gone", 0, 0, T));
      await().atMost(Duration.ofSeconds(10)).until(() -> hook.requests().size() >= 1); // a retry may follow at once (full jitter)

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
        clock.advance(Duration.ofSeconds(20));
        return queue.deadLetters().size() == 1;
      });

      String reason = queue.deadLetterEntries().get(0).reason();
      assertThat(reason).startsWith("gave up after").contains("answered 502");
      assertThat(counter("sender.dead_lettered", "reason", "deadline")).isEqualTo(1);
    }
  }

  @Test
  void badRequestIsDeadLetteredAtOnceWithoutARetryStorm() throws Exception {
    try (RecordingHttpServer hook = new RecordingHttpServer(n -> 400)) {
      start(Map.of("webhookUrl", hook.url("/hook")));
      queue.publish(TestEvents.problem("s_1_bad", 0, 0, T));

      await().atMost(Duration.ofSeconds(10)).until(() -> queue.deadLetters().size() == 1);
      clock.advance(Duration.ofHours(1));

      assertThat(queue.deadLetterEntries().get(0).reason()).startsWith("refused, not retried")
          .contains("answered 400");
      assertThat(hook.requests()).hasSize(1);
      assertThat(counter("sender.retried")).isZero();
      assertThat(counter("sender.dead_lettered", "reason", "refused")).isEqualTo(1);
      // the console did its part once and is not repeated
      assertThat(printed.toString(StandardCharsets.UTF_8).lines().count()).isEqualTo(1);
    }
  }

  @Test
  void problemsAndRecoveriesOfOneIncidentArriveInOrderWhateverTheRetries() throws Exception {
    // every third request fails, so retries of different events race each other across four workers
    try (RecordingHttpServer hook = new RecordingHttpServer(n -> n % 3 == 0 ? 503 : 200)) {
      start(Map.of("webhookUrl", hook.url("/hook"), "console", false, "workers", 4,
          "retryBackoff", Duration.ofMillis(5), "retryBackoffMax", Duration.ofMillis(40)));
      int incidents = 20;
      for (int i = 0; i < incidents; i++) {
        String id = "s_5_race" + i;
        queue.publish(step(id, 1, T));
        queue.publish(step(id, 2, T + 300));
        queue.publish(ok(id, 1, T + 600));
      }

      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> {
        clock.advance(Duration.ofMillis(50));
        return counter("sender.acked") == 3 * incidents;
      });

      Map<String, List<String>> told = new LinkedHashMap<>();
      for (RecordingHttpServer.Request r : hook.requests()) {
        if (r.answered() < 300) {
          var e = JSON.readTree(r.body());
          told.computeIfAbsent(e.get("id").asText(), k -> new ArrayList<>())
              .add(e.get("status").asText() + e.get("currentStep").asInt());
        }
      }
      assertThat(told).hasSize(incidents);
      told.forEach((id, order) -> assertThat(order).as(id).containsExactly("PROBLEM1", "PROBLEM2", "OK1"));
      assertThat(counter("sender.held", "reason", "order")).isPositive();
    }
  }

  @Test
  void recoveryWhosePROBLEMWasDeadLetteredWaitsForItAndSaysSo() throws Exception {
    // the PROBLEM is refused (400) after a few failures, the OK goes through
    Map<String, Integer> failures = new HashMap<>();
    try (RecordingHttpServer hook = new RecordingHttpServer(n -> 200)) {
      hook.answer(n -> {
        String body = hook.lastBody();
        if (body.contains("\"PROBLEM\"")) {
          return failures.merge("p", 1, Integer::sum) < 3 ? 503 : 400;
        }
        return 200;
      });
      start(Map.of("webhookUrl", hook.url("/hook"), "workers", 4));
      queue.publish(TestEvents.problem("s_6_lost", 1, 0, T));
      queue.publish(ok("s_6_lost", 1, T + 60));

      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> {
        clock.advance(Duration.ofMillis(100));
        return counter("sender.acked") == 1;
      });

      assertThat(queue.deadLetters()).hasSize(1);
      RecordingHttpServer.Request last = hook.requests().get(hook.requests().size() - 1);
      assertThat(last.body()).contains("\"OK\"");
      assertThat(last.headers().get("x-peregrine-remark")).startsWith("its PROBLEM was not delivered: refused");
      assertThat(hook.requests().stream().filter(r -> r.body().contains("\"OK\"")).count()).isEqualTo(1);
      String printedText = printed.toString(StandardCharsets.UTF_8);
      assertThat(printedText.lines().filter(l -> l.startsWith("[P1][OK]")).findFirst().orElseThrow())
          .contains("[its PROBLEM was not delivered: refused");
      // the OK was printed after the PROBLEM, never before
      assertThat(printedText.indexOf("[P1][PROBLEM]")).isLessThan(printedText.indexOf("[P1][OK]"));
    }
  }
}
