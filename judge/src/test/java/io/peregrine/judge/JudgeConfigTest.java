package io.peregrine.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JudgeConfigTest {
  private static JudgeConfig with(int historySize, Duration minInterval, String redisUrl, int pending) {
    JudgeConfig d = JudgeConfig.defaults();
    return new JudgeConfig(d.grpcListen(), d.httpListen(), d.hbsAddress(), d.strategyRefresh(), historySize,
        minInterval, redisUrl, d.redisKeyPrefix(), pending, d.grpcThreads());
  }

  @Test
  void defaultsAreOpenFalconsNumbers() {
    JudgeConfig d = JudgeConfig.defaults();
    assertThat(d.grpcListen()).isEqualTo("127.0.0.1:6080");
    assertThat(d.httpListen()).isEqualTo("127.0.0.1:6081");
    assertThat(d.hbsAddress()).isEqualTo("127.0.0.1:6030");
    assertThat(d.strategyRefresh()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.historySize()).isEqualTo(11);
    assertThat(d.minInterval()).isEqualTo(Duration.ofSeconds(300));
    assertThat(d.redisUrl()).isEmpty();
    assertThat(d.redisKeyPrefix()).isEmpty();
    assertThat(d.pendingAlertCapacity()).isEqualTo(100_000);
    assertThat(d.grpcThreads()).isEqualTo(4);
  }

  @Test
  void badValuesNameTheKeyAndValue() {
    assertThatThrownBy(() -> with(1, Duration.ZERO, "", 1)).hasMessageContaining("judge.historySize")
        .hasMessageContaining(": 1");
    assertThatThrownBy(() -> with(11, Duration.ofSeconds(-1), "", 1)).hasMessageContaining("judge.minInterval");
    assertThatThrownBy(() -> with(11, Duration.ZERO, "localhost:6379", 1)).hasMessageContaining("judge.redisUrl")
        .hasMessageContaining("localhost:6379");
    assertThatThrownBy(() -> with(11, Duration.ZERO, "", 0)).hasMessageContaining("judge.pendingAlertCapacity");
    assertThatThrownBy(() -> JudgeConfig.defaults().withHbs("nohost", Duration.ofSeconds(1)))
        .hasMessageContaining("judge.hbsAddress");
    assertThatThrownBy(() -> JudgeConfig.defaults().withHbs("h:1", Duration.ZERO))
        .hasMessageContaining("judge.strategyRefresh");
  }

  /** As the launcher nests it: section {@code judge}. */
  public record Root(JudgeConfig judge) {}

  @Test
  void loadsFromYamlAndEnvironmentWithOpenFalconStyleNames() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("judge", ".yml");
    try {
      java.nio.file.Files.writeString(file, "judge:\n  historySize: 21\n  minInterval: 5m\n");
      Root root = new io.peregrine.common.config.ConfigLoader().load(file, Root.class,
          new Root(JudgeConfig.defaults()), java.util.Map.of("PEREGRINE_JUDGE_REDIS_URL", "redis://10.0.0.5:6379/1",
              "PEREGRINE_JUDGE_STRATEGY_REFRESH", "30s", "PEREGRINE_JUDGE_PENDING_ALERT_CAPACITY", "500"));
      assertThat(root.judge().historySize()).isEqualTo(21);
      assertThat(root.judge().minInterval()).isEqualTo(Duration.ofMinutes(5));
      assertThat(root.judge().redisUrl()).isEqualTo("redis://10.0.0.5:6379/1");
      assertThat(root.judge().strategyRefresh()).isEqualTo(Duration.ofSeconds(30));
      assertThat(root.judge().pendingAlertCapacity()).isEqualTo(500);
      assertThat(root.judge().grpcListen()).isEqualTo("127.0.0.1:6080");
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  @Test
  void exampleFileHoldsTheDefaults() {
    Root root = new io.peregrine.common.config.ConfigLoader().load(java.nio.file.Path.of("judge.example.yml"),
        Root.class, new Root(JudgeConfig.defaults()), java.util.Map.of());
    assertThat(root.judge()).isEqualTo(JudgeConfig.defaults());
  }

  @Test
  void multiMetricRulesLoadFromYamlAndEnvironmentAndABadOneFailsWithItsColumn() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("judge", ".yml");
    try {
      java.nio.file.Files.writeString(file, "judge:\n  multiMetric:\n"
          + "    - {id: 1, rule: \"all(#3): mem.memused / mem.memtotal * 100 > 90\", priority: 1, actionId: 5}\n");
      Root root = new io.peregrine.common.config.ConfigLoader().load(file, Root.class,
          new Root(JudgeConfig.defaults()), java.util.Map.of());
      assertThat(root.judge().multiMetric()).extracting(io.peregrine.judge.expr.ExprRuleDef::rule)
          .containsExactly("all(#3): mem.memused / mem.memtotal * 100 > 90");
      Root fromEnv = new io.peregrine.common.config.ConfigLoader().load(null, Root.class,
          new Root(JudgeConfig.defaults()), java.util.Map.of("PEREGRINE_JUDGE_MULTI_METRIC",
              "[{\"id\": 2, \"rule\": \"a / b > 1\"}]"));
      assertThat(fromEnv.judge().multiMetric()).extracting(io.peregrine.judge.expr.ExprRuleDef::id)
          .containsExactly(2L);
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
    assertThatThrownBy(() -> JudgeConfig.defaults().withMultiMetric(java.util.List.of(
        new io.peregrine.judge.expr.ExprRuleDef(4, "all(#3): mem.memused / (mem.memtotal * ) > 90"))))
        .hasMessage("judge.multiMetric[0] (id 4) rule 'all(#3): mem.memused / (mem.memtotal * ) > 90': col 40: "
            + "expected a metric name or number, found ')'");
    assertThatThrownBy(() -> JudgeConfig.defaults().withMultiMetric(java.util.List.of(
        new io.peregrine.judge.expr.ExprRuleDef(4, "a > 1"), new io.peregrine.judge.expr.ExprRuleDef(4, "b > 1"))))
        .hasMessageContaining("id 4 is used twice");
  }

  @Test
  void nullStringsBecomeEmpty() {
    JudgeConfig c = JudgeConfig.defaults().withRedis(null, null);
    assertThat(c.redisUrl()).isEmpty();
    assertThat(c.redisKeyPrefix()).isEmpty();
    assertThat(JudgeConfig.defaults().withRedis(" redis://127.0.0.1:6379/0 ", "p:").redisUrl())
        .isEqualTo("redis://127.0.0.1:6379/0");
  }
}
