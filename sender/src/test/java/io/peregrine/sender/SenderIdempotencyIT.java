package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.event.AlertSource;
import io.peregrine.sender.queue.RedisAlertSource;
import io.peregrine.sender.testing.Configs;
import io.peregrine.sender.testing.FakeHbs;
import io.peregrine.sender.testing.RecordingHttpServer;
import io.peregrine.sender.testing.TestEvents;
import io.peregrine.sender.testing.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each (event, channel, receiver) is told once, against the machine's Redis: crashes, two senders, replays. */
class SenderIdempotencyIT {
  private static final long T = 1_800_000_000L;
  private final TestRedis redis = new TestRedis();
  private final PrintStream console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    redis.close();
  }

  private SenderConfig config(String consumer, Map<String, Object> extra) {
    Map<String, Object> keys = new HashMap<>(Map.of("redisUrl", TestRedis.URL, "redisKeyPrefix", redis.prefix(),
        "consumerId", consumer, "console", false));
    keys.putAll(extra);
    return Configs.sender(keys);
  }

  private SenderServer start(String consumer, Map<String, Object> extra) throws Exception {
    SenderServer s = new SenderServer(config(consumer, extra), null, console);
    open.add(s);
    s.start();
    return s;
  }

  private String key(String name) {
    return redis.prefix() + name;
  }

  private static double counter(SenderServer s, String name, String... tags) {
    var c = s.registry().find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  /** A Redis source whose sender "dies" after delivering: every acknowledgement fails. */
  private static final class NoAck implements AlertSource {
    private final RedisAlertSource inner;

    NoAck(RedisAlertSource inner) {
      this.inner = inner;
    }

    @Override
    public Delivery take(Duration wait) throws InterruptedException, AlertQueueException {
      return inner.take(wait);
    }

    @Override
    public void ack(Delivery delivery) throws AlertQueueException {
      throw new AlertQueueException("killed before the acknowledgement", null);
    }

    @Override
    public void deadLetter(Delivery delivery, String reason) throws AlertQueueException {
      inner.deadLetter(delivery, reason);
    }

    @Override
    public boolean healthy() {
      return inner.healthy();
    }
  }

  @Test
  void senderKilledBetweenDeliveryAndAckIsNotToldAgainAfterRestart() throws Exception {
    try (RecordingHttpServer hook = RecordingHttpServer.alwaysOk()) {
      Map<String, Object> keys = Map.of("webhookUrl", hook.url("/hook"));
      RedisAlertSource first = new RedisAlertSource(TestRedis.URL, redis.prefix(), "crashy", 100,
          new SimpleMeterRegistry(), Clock.systemUTC());
      first.start();
      SenderServer dying = new SenderServer(config("crashy", keys), new NoAck(first), first.claims(), console,
          Clock.systemUTC());
      dying.start();
      redis.redis().lpush(key("event:p0"), AlertEventJson.write(TestEvents.problem("s_1_crash", 0, 0, T)));
      await().atMost(Duration.ofSeconds(10)).until(() -> hook.succeeded() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> counter(dying, "sender.source.errors", "op", "ack") > 0);
      dying.close();
      first.close();
      assertThat(redis.redis().llen(key("event:processing:crashy"))).isEqualTo(1);

      SenderServer restarted = start("crashy", keys);

      await().atMost(Duration.ofSeconds(10)).until(() -> redis.redis().llen(key("event:processing:crashy")) == 0);
      assertThat(counter(restarted, "sender.events.redelivered")).isEqualTo(1);
      assertThat(counter(restarted, "sender.duplicates.suppressed", "channel", "webhook")).isEqualTo(1);
      assertThat(hook.requests()).hasSize(1);
      assertThat(redis.redis().llen(key("event:dead"))).isZero();
    }
  }

  @Test
  void senderKilledBeforeDeliveryTellsOnceAfterRestart() throws Exception {
    try (RecordingHttpServer hook = new RecordingHttpServer(n -> 503)) {
      Map<String, Object> keys = Map.of("webhookUrl", hook.url("/hook"));
      SenderServer dying = start("abandon", keys);
      redis.redis().lpush(key("event:p1"), AlertEventJson.write(TestEvents.problem("s_1_abandon", 1, 0, T)));
      await().atMost(Duration.ofSeconds(10)).until(() -> hook.requests().size() >= 2);
      dying.close(); // taken, never delivered, never acknowledged

      hook.answer(n -> 200);
      SenderServer restarted = start("abandon", keys);

      await().atMost(Duration.ofSeconds(10)).until(() -> hook.succeeded() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.redis().llen(key("event:processing:abandon")) == 0);
      assertThat(counter(restarted, "sender.duplicates.suppressed", "channel", "webhook")).isZero();
      assertThat(hook.succeeded()).isEqualTo(1);
    }
  }

  @Test
  void twoSendersOnOneQueueTellEachEventOnce() throws Exception {
    try (RecordingHttpServer hook = RecordingHttpServer.alwaysOk()) {
      Map<String, Object> keys = Map.of("webhookUrl", hook.url("/hook"), "workers", 4);
      SenderServer a = start("twin-a", keys);
      SenderServer b = start("twin-b", keys);
      int events = 100;
      for (int i = 0; i < events; i++) {
        String json = AlertEventJson.write(TestEvents.problem("s_2_twin" + i, 2, 0, T + i));
        // the judge published each event twice (a retry after a timeout): both copies are in the queue
        redis.redis().lpush(key("event:p2"), json, json);
      }

      await().atMost(Duration.ofSeconds(20)).until(() -> counter(a, "sender.acked") + counter(b, "sender.acked")
          == 2 * events);
      List<String> told = hook.requests().stream().map(r -> r.headers().get("x-peregrine-event-key")).toList();
      assertThat(told).hasSize(events).doesNotHaveDuplicates();
      assertThat(counter(a, "sender.duplicates.suppressed", "channel", "webhook")
          + counter(b, "sender.duplicates.suppressed", "channel", "webhook")).isEqualTo(events);
      assertThat(counter(a, "sender.acked")).isPositive();
      assertThat(counter(b, "sender.acked")).isPositive();
    }
  }

  @Test
  void replayedDeadLetterTellsOnlyWhatWasNotToldBefore() throws Exception {
    try (FakeHbs hbs = FakeHbs.withOnCallTeam();
        RecordingHttpServer hook = RecordingHttpServer.alwaysOk();
        RecordingHttpServer sms = new RecordingHttpServer(n -> 400)) {
      SenderServer s = start("replayer", Map.of("webhookUrl", hook.url("/hook"), "hbsAddress", hbs.address(),
          "smsGatewayUrl", sms.url("/sms")));
      AlertEvent event = TestEvents.problem("s_3_replay", 0, 9, T);
      redis.redis().lpush(key("event:p0"), AlertEventJson.write(event));

      await().atMost(Duration.ofSeconds(10)).until(() -> redis.redis().llen(key("event:dead")) == 1);
      assertThat(redis.redis().lindex(key("event:dead"), 0)).contains("refused, not retried").contains("400");
      assertThat(sms.requests()).hasSize(1); // a 400 is not retried
      assertThat(hook.succeeded()).isEqualTo(1);

      sms.answer(n -> 200);
      HttpResponse<String> replayed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + s.httpPort() + "/api/v1/dead-letters/replay"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(replayed.body()).isEqualTo("{\"replayed\":1}");

      await().atMost(Duration.ofSeconds(10)).until(() -> sms.succeeded() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> counter(s, "sender.acked") == 1);
      assertThat(hook.requests()).hasSize(1);
      assertThat(counter(s, "sender.duplicates.suppressed", "channel", "webhook")).isEqualTo(1);

      // and a second replay of the same event (it is queued again by hand) tells nobody
      redis.redis().lpush(key("event:p0"), AlertEventJson.write(event));
      await().atMost(Duration.ofSeconds(10)).until(() -> counter(s, "sender.acked") == 2);
      assertThat(hook.requests()).hasSize(1);
      assertThat(sms.succeeded()).isEqualTo(1);
      assertThat(counter(s, "sender.duplicates.suppressed", "channel", "sms")).isEqualTo(2); // two phones
    }
  }
}
