package io.peregrine.judge.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.event.AlertQueues;
import io.peregrine.judge.testing.Events;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the machine's Redis at 127.0.0.1:6379; fails when it is absent. */
class RedisAlertPublisherIT {
  static final String URL = "redis://127.0.0.1:6379/0";
  private final String prefix = "peregrine-test-judge-" + UUID.randomUUID() + ":";
  private RedisClient client;
  private StatefulRedisConnection<String, String> redis;

  @BeforeEach
  void connect() {
    client = RedisClient.create(URL);
    redis = client.connect();
  }

  @AfterEach
  void cleanUp() {
    for (int p = AlertQueues.MIN_PRIORITY; p <= AlertQueues.MAX_PRIORITY; p++) {
      redis.sync().del(AlertQueues.name(prefix, p));
    }
    // judge's incident state lives under the same prefix: the publisher writes it with the event
    for (String key : redis.sync().keys(prefix + "*")) {
      redis.sync().del(key);
    }
    assertThat(redis.sync().keys(prefix + "*")).isEmpty();
    redis.close();
    client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
  }

  @Test
  void lpushesOpenFalconEventJsonToThePriorityQueue() throws Exception {
    try (RedisAlertPublisher publisher = new RedisAlertPublisher(URL, prefix)) {
      publisher.start();
      assertThat(publisher.healthy()).isTrue();
      publisher.publish(Events.problem("s_7_abc", 3));
      publisher.publish(Events.problem("s_7_def", 3));
    }
    List<String> stored = redis.sync().lrange(prefix + "event:p3", 0, -1);
    assertThat(stored).hasSize(2);
    // LPUSH: the newest is first, consumers BRPOP the oldest
    JsonNode json = new ObjectMapper().readTree(stored.get(1));
    assertThat(json.get("id").asText()).isEqualTo("s_7_abc");
    assertThat(json.get("status").asText()).isEqualTo("PROBLEM");
    assertThat(json.get("endpoint").asText()).isEqualTo("host1");
    assertThat(json.get("leftValue").asDouble()).isEqualTo(5);
    assertThat(json.get("currentStep").asInt()).isEqualTo(1);
    assertThat(json.get("eventTime").asLong()).isEqualTo(1_800_000_000L);
    assertThat(json.get("pushedTags").get("mount").asText()).isEqualTo("/data");
    JsonNode strategy = json.get("strategy");
    assertThat(strategy.get("id").asLong()).isEqualTo(7);
    assertThat(strategy.get("func").asText()).isEqualTo("all(#3)");
    assertThat(strategy.get("tags").get("mount").asText()).isEqualTo("/data");
    assertThat(strategy.get("tpl").get("id").asLong()).isEqualTo(40);
    assertThat(strategy.get("tpl").get("actionId").asLong()).isEqualTo(50);
    assertThat(json.has("expression")).isTrue();
    assertThat(json.get("priority").asInt()).isEqualTo(3);
    assertThat(json.get("eventKey").asText()).isEqualTo("s_7_abc/PROBLEM/1800000000/1");
    assertThat(AlertEventJson.read(stored.get(1)).values()).containsExactly(5.0, 6.0, 7.0);
  }

  @Test
  void aBatchIsOneScriptCallAndItsRetryDeliversNothingTwice() throws Exception {
    try (RedisAlertPublisher publisher = new RedisAlertPublisher(URL, prefix)) {
      publisher.start();
      List<AlertEvent> batch = List.of(Events.problem("s_7_abc", 3), Events.problem("s_8_def", 2));
      publisher.publishAll(batch);
      assertThat(redis.sync().llen(prefix + "event:p3")).isEqualTo(1);
      assertThat(redis.sync().llen(prefix + "event:p2")).isEqualTo(1);
      // a retry of a call that had run (its answer lost): each event's stored state says it is already there
      publisher.publishAll(batch);
      assertThat(publisher.deduplicated()).isEqualTo(2);
      assertThat(redis.sync().llen(prefix + "event:p3")).isEqualTo(1);
      assertThat(redis.sync().llen(prefix + "event:p2")).isEqualTo(1);
    }
  }

  @Test
  void callsInFlightRunInOrderAndTheirRetriesDeliverNothingTwice() throws Exception {
    try (RedisAlertPublisher publisher = new RedisAlertPublisher(URL, prefix)) {
      publisher.start();
      publisher.publishAll(List.of(Events.problem("s_1_aaa", 3))); // loads the script: later calls are sent async
      List<AlertEvent> first = List.of(Events.problem("s_7_abc", 3), Events.problem("s_8_def", 3));
      List<AlertEvent> second = List.of(Events.problem("s_9_ghi", 3));
      BatchAlertPublisher.Call a = publisher.start(first);
      BatchAlertPublisher.Call b = publisher.start(second); // sent before the first is answered
      b.await();
      a.await();
      assertThat(redis.sync().lrange(prefix + "event:p3", 0, -1)).extracting(j -> AlertEventJson.read(j).id())
          .as("newest first: in the order the calls were started").containsExactly("s_9_ghi", "s_8_def",
              "s_7_abc", "s_1_aaa");
      // both answers lost, both retried: disjoint ids, so each event meets its own stored state
      publisher.start(first).await();
      publisher.publishAll(second);
      assertThat(publisher.deduplicated()).isEqualTo(3);
      assertThat(redis.sync().llen(prefix + "event:p3")).isEqualTo(4);
    }
  }

  @Test
  void pendingEventsGoOutInBatchesEachExactlyOnce() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (RedisAlertPublisher publisher = new RedisAlertPublisher(URL, prefix)) {
      publisher.start();
      PendingAlerts pending = new PendingAlerts(publisher, publisher.describe(), 2000, Duration.ofSeconds(5),
          registry);
      for (int i = 0; i < 1000; i++) {
        assertThat(pending.offer(Events.problem("s_7_" + i, 3))).isTrue();
      }
      AlertEvent again = Events.problem("s_7_5", 3); // a second event of one id starts a new batch
      AlertEvent ok = new AlertEvent(again.id(), again.strategy(), null, AlertEvent.OK, "host1", 50, 1,
          1_800_000_060L, again.pushedTags(), 3, "cpu.idle", AlertEvent.keyOf(again.id(), AlertEvent.OK,
          1_800_000_060L, 1), List.of(50.0));
      assertThat(pending.offer(ok)).isTrue();
      pending.start(); // a thousand waiting: they go in batches of at most 256
      try {
        await().atMost(Duration.ofSeconds(20)).until(() -> pending.size() == 0);
      } finally {
        pending.close();
      }
      assertThat(registry.counter("judge.alerts.published").count()).isEqualTo(1001);
    }
    List<String> stored = redis.sync().lrange(prefix + "event:p3", 0, -1);
    assertThat(stored).hasSize(1001);
    assertThat(stored.stream().map(j -> AlertEventJson.read(j).eventKey()).distinct().count()).isEqualTo(1001);
    assertThat(AlertEventJson.read(stored.get(1000)).id()).as("in order: the oldest is last").isEqualTo("s_7_0");
    assertThat(AlertEventJson.read(stored.get(0)).status()).isEqualTo(AlertEvent.OK);
  }
}
