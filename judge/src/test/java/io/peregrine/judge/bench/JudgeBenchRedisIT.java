package io.peregrine.judge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The bench's Redis mode against the machine's Redis: every measured event timed, its keys deleted after. */
class JudgeBenchRedisIT {
  static final String URL = "redis://127.0.0.1:6379/0";

  @Test
  void timesEveryEventFromArrivalToRedisAndCleansUp() throws Exception {
    JudgeBench.Report r = new JudgeBench().run(new JudgeBench.Options(20, 100, 200, 1, 64, 25, 5, 10, false, URL,
        20_000));
    assertThat(r.events()).isEqualTo(200L * 4);
    assertThat(r.latency().events()).isEqualTo(r.events());
    assertThat(r.latency().p99Millis()).isGreaterThan(0).isLessThanOrEqualTo(r.latency().maxMillis());
    assertThat(r.describe()).contains("arrival to Redis");
    RedisClient client = RedisClient.create(URL);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      assertThat(c.sync().keys("peregrine-bench-judge-*")).isEmpty();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
