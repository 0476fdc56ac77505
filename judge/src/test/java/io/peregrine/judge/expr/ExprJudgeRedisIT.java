package io.peregrine.judge.expr;

import static io.peregrine.judge.testing.Strategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.event.AlertQueues;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.common.time.ManualClock;
import io.peregrine.judge.JudgeConfig;
import io.peregrine.judge.testing.FakeHbs;
import io.peregrine.judge.testing.JudgeHarness;
import io.peregrine.judge.testing.Strategies;
import io.peregrine.proto.v1.Expression;
import io.peregrine.proto.v1.StrategySet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Multi-metric expressions through the real judge: samples over gRPC, rules from hbs ({@code calc(...)} rows) and
 * from config, events LPUSHed to Redis with their state by the production publisher, and a restart that neither
 * raises the open PROBLEM again nor loses its OK.
 */
class ExprJudgeRedisIT {
  private static final long T0 = 1_800_000_000L;
  private static final String REDIS = "redis://127.0.0.1:6379/0";

  @Test
  void eventsReachRedisAndARestartedJudgeKeepsTheirState() throws Exception {
    String prefix = "peregrine-test-judgeexpr-" + UUID.randomUUID() + ":";
    RedisClient client = RedisClient.create(REDIS);
    StrategySet set = Strategies.set(1, "host1", strategy(11, "cpu.idle", "all(#1)", "<", 1)).toBuilder()
        .addExpressions(Expression.newBuilder().setId(9).setExpression("calc(mem.memused / mem.memtotal * 100)")
            .setFunc("all(#2)").setOperator(">").setRightValue(90).setMaxStep(3).setPriority(1).setActionId(60))
        .build();
    ManualClock clock = new ManualClock(T0);
    try (StatefulRedisConnection<String, String> redis = client.connect(); FakeHbs hbs = new FakeHbs(set)) {
      JudgeConfig config = JudgeConfig.defaults().withHbs(hbs.address(), Duration.ofMillis(200))
          .withRedis(REDIS, prefix)
          .withMultiMetric(List.of(new ExprRuleDef(3, "disk.io.util{device=sda} > 90 and load.1min > 8")));
      try (JudgeHarness judge = new JudgeHarness(config, null, clock)) {
        clock.setSeconds(T0 + 60);
        judge.push(TestSamples.gauge("host1", "mem.memtotal", "", 1000, T0),
            TestSamples.gauge("host1", "mem.memused", "", 950, T0),
            TestSamples.gauge("host1", "mem.memused", "", 960, T0 + 60),
            TestSamples.gauge("host1", "disk.io.util", "device=sda", 95, T0 + 60),
            TestSamples.gauge("host1", "load.1min", "", 9, T0 + 60));
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.sync().llen(AlertQueues.name(prefix, 1)) == 1
            && redis.sync().llen(AlertQueues.name(prefix, 2)) == 1);
        AlertEvent ratio = AlertEventJson.read(redis.sync().rpop(AlertQueues.name(prefix, 1)));
        assertThat(ratio.id()).isEqualTo("m_9_" + SeriesKey.md5Hex("host1"));
        assertThat(ratio.status()).isEqualTo(AlertEvent.PROBLEM);
        assertThat(ratio.leftValue()).isEqualTo(96);
        assertThat(ratio.expression().actionId()).isEqualTo(60);
        AlertEvent both = AlertEventJson.read(redis.sync().rpop(AlertQueues.name(prefix, 2)));
        assertThat(both.id()).isEqualTo("m_3_" + SeriesKey.md5Hex("host1"));
        assertThat(both.metric()).isEqualTo("disk.io.util{device=sda} > 90 and load.1min > 8");

        HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + judge.judge().httpPort() + "/api/v1/strategies")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(api.body()).contains("\"multiMetric\"").contains("\"origin\":\"hbs\"")
            .contains("\"origin\":\"config\"");
        assertThat(judge.judge().registry().scrape()).contains("judge_expr_evaluations_total");
      }

      // a new judge (a restart, or the endpoint moved): the PROBLEM is not raised again, its OK comes
      try (JudgeHarness judge = new JudgeHarness(config, null, clock)) {
        clock.setSeconds(T0 + 180);
        judge.push(TestSamples.gauge("host1", "mem.memtotal", "", 1000, T0 + 120),
            TestSamples.gauge("host1", "mem.memused", "", 970, T0 + 120),
            TestSamples.gauge("host1", "mem.memused", "", 980, T0 + 180));
        clock.setSeconds(T0 + 240);
        judge.push(TestSamples.gauge("host1", "mem.memused", "", 100, T0 + 240));
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.sync().llen(AlertQueues.name(prefix, 1)) >= 1);
        assertThat(judge.judge().pendingAlerts()).isZero();
        List<String> queued = redis.sync().lrange(AlertQueues.name(prefix, 1), 0, -1);
        assertThat(queued).hasSize(1);
        AlertEvent ok = AlertEventJson.read(queued.get(0));
        assertThat(ok.status()).isEqualTo(AlertEvent.OK);
        assertThat(ok.leftValue()).isEqualTo(10);
      }
    } finally {
      try (StatefulRedisConnection<String, String> redis = client.connect()) {
        List<String> keys = redis.sync().keys(prefix + "*");
        if (!keys.isEmpty()) {
          redis.sync().del(keys.toArray(String[]::new));
        }
      }
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
