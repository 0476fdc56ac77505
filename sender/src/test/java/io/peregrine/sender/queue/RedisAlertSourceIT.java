package io.peregrine.sender.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.event.AlertSource.Delivery;
import io.peregrine.sender.testing.TestEvents;
import io.peregrine.sender.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The at-least-once queue against the machine's Redis, under a key prefix of its own. */
class RedisAlertSourceIT {
  private static final Duration WAIT = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestRedis redis = new TestRedis();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<RedisAlertSource> sources = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    sources.forEach(RedisAlertSource::close);
    redis.close();
  }

  private RedisAlertSource source(String consumer) {
    RedisAlertSource s = new RedisAlertSource(TestRedis.URL, redis.prefix(), consumer, 100, registry,
        Clock.systemUTC());
    sources.add(s);
    s.start();
    return s;
  }

  /** As the judge does it: LPUSH onto event:p<priority>. */
  private String push(String id, int priority) {
    String json = AlertEventJson.write(TestEvents.problem(id, priority, 9, 1700000000));
    redis.redis().lpush(redis.prefix() + "event:p" + priority, json);
    return json;
  }

  private long length(String key) {
    return redis.redis().llen(key);
  }

  @Test
  void takesMostUrgentQueueFirstAndOldestFirstWithin() throws Exception {
    push("s_1_low", 6);
    push("s_1_mid_first", 3);
    push("s_1_mid_second", 3);
    push("s_1_urgent", 0);
    RedisAlertSource source = source("c1");

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      order.add(source.take(WAIT).event().id());
    }

    assertThat(order).containsExactly("s_1_urgent", "s_1_mid_first", "s_1_mid_second", "s_1_low");
    assertThat(source.take(Duration.ofMillis(300))).isNull();
    assertThat(length(source.processingKey())).isEqualTo(4);
  }

  @Test
  void takesABatchInOneRoundTripAcrossQueuesAndHandsItOutInOrder() throws Exception {
    push("s_1_urgent", 0);
    push("s_1_mid_first", 3);
    push("s_1_mid_second", 3);
    push("s_1_low", 6);
    RedisAlertSource source = new RedisAlertSource(TestRedis.URL, redis.prefix(), "c1", 100, 3, registry,
        Clock.systemUTC());
    sources.add(source);
    source.start();

    assertThat(source.take(WAIT).event().id()).isEqualTo("s_1_urgent");
    // the first take moved three events at once: the rest of the batch is on the processing list already
    assertThat(length(source.processingKey())).isEqualTo(3);
    assertThat(length(redis.prefix() + "event:p3")).isZero();
    assertThat(length(redis.prefix() + "event:p6")).isEqualTo(1);
    assertThat(source.take(WAIT).event().id()).isEqualTo("s_1_mid_first");
    assertThat(source.take(WAIT).event().id()).isEqualTo("s_1_mid_second");
    assertThat(source.take(WAIT).event().id()).isEqualTo("s_1_low");
    assertThat(length(source.processingKey())).isEqualTo(4);
  }

  @Test
  void ackRemovesFromProcessingList() throws Exception {
    String json = push("s_2_a", 1);
    RedisAlertSource source = source("c1");

    Delivery d = source.take(WAIT);
    assertThat(d.raw()).isEqualTo(json);
    assertThat(redis.redis().lrange(source.processingKey(), 0, -1)).containsExactly(json);
    source.ack(d);

    assertThat(length(source.processingKey())).isZero();
    assertThat(length(redis.prefix() + "event:p1")).isZero();
    assertThat(source.healthy()).isTrue();
  }

  @Test
  void redeliversWhatAStoppedSourceHadNotAcknowledged() throws Exception {
    push("s_3_older", 2);
    push("s_3_newer", 2);
    push("s_3_later", 2);
    RedisAlertSource first = source("c1");
    Delivery older = first.take(WAIT);
    Delivery newer = first.take(WAIT);
    assertThat(older.event().id()).isEqualTo("s_3_older");
    assertThat(newer.event().id()).isEqualTo("s_3_newer");
    first.close();

    RedisAlertSource second = source("c1");
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Delivery d = second.take(WAIT);
      order.add(d.event().id());
      second.ack(d);
    }

    // the unacknowledged ones come back first, in the order they were taken; the third was taken in the same batch
    // (one round trip) but never handed out, and comes back like them
    assertThat(order).containsExactly("s_3_older", "s_3_newer", "s_3_later");
    assertThat(length(second.processingKey())).isZero();
    assertThat(registry.counter("sender.events.redelivered").count()).isEqualTo(3);
  }

  @Test
  void consumersKeepSeparateProcessingLists() throws Exception {
    push("s_4_a", 1);
    RedisAlertSource a = source("sender-a");
    a.take(WAIT);

    RedisAlertSource b = source("sender-b");

    assertThat(b.take(Duration.ofMillis(300))).isNull();
    assertThat(length(a.processingKey())).isEqualTo(1);
  }

  @Test
  void deadLetterKeepsEventAndReason() throws Exception {
    String json = push("s_5_a", 4);
    RedisAlertSource source = source("c1");

    source.deadLetter(source.take(WAIT), "gave up after 5 attempts: sms http://gw/sms answered 503");

    assertThat(length(source.processingKey())).isZero();
    List<String> dead = source.list(100);
    assertThat(dead).hasSize(1);
    JsonNode w = JSON.readTree(dead.get(0));
    assertThat(w.get("event")).isEqualTo(JSON.readTree(json));
    assertThat(w.get("reason").asText()).isEqualTo("gave up after 5 attempts: sms http://gw/sms answered 503");
    assertThat(w.get("priority").asInt()).isEqualTo(4);
    assertThat(w.get("consumer").asText()).isEqualTo("c1");
    assertThat(w.get("failedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void replayMovesDeadLettersBackToTheirQueue() throws Exception {
    push("s_6_a", 4);
    RedisAlertSource source = source("c1");
    source.deadLetter(source.take(WAIT), "gateway down");

    int moved = source.replayAll();

    assertThat(moved).isEqualTo(1);
    assertThat(length(source.deadKey())).isZero();
    Delivery again = source.take(WAIT);
    assertThat(again.event().id()).isEqualTo("s_6_a");
    assertThat(again.event().priority()).isEqualTo(4);
  }

  @Test
  void deadLettersTextThatIsNotAnEventAndGoesOn() throws Exception {
    redis.redis().lpush(redis.prefix() + "event:p0", "{not json");
    push("s_7_good", 0);
    RedisAlertSource source = source("c1");

    Delivery d = source.take(WAIT);

    assertThat(d.event().id()).isEqualTo("s_7_good");
    List<String> dead = source.list(10);
    assertThat(dead).hasSize(1);
    JsonNode w = JSON.readTree(dead.get(0));
    assertThat(w.get("event").asText()).isEqualTo("{not json");
    assertThat(w.get("reason").asText()).contains("not an alert event");
    assertThat(w.get("priority").asInt()).isZero();
    assertThat(redis.redis().lrange(source.processingKey(), 0, -1)).containsExactly(d.raw());
  }

  @Test
  void readsOpenFalconsOwnEventJson() throws Exception {
    redis.redis().lpush(redis.prefix() + "event:p2", TestEvents.OPEN_FALCON_JSON);
    RedisAlertSource source = source("c1");

    Delivery d = source.take(WAIT);

    assertThat(d.raw()).isEqualTo(TestEvents.OPEN_FALCON_JSON);
    assertThat(d.event().actionId()).isEqualTo(9);
  }
}
