package io.peregrine.judge.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.event.AlertQueues;
import io.peregrine.judge.testing.Events;
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
}
