package io.peregrine.judge.strategy;

import static io.peregrine.judge.testing.Strategies.expression;
import static io.peregrine.judge.testing.Strategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.peregrine.judge.eval.Rule;
import io.peregrine.proto.v1.HostStrategies;
import io.peregrine.proto.v1.Strategy;
import io.peregrine.proto.v1.StrategySet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrategyIndexTest {
  @Test
  void indexesStrategiesByHostAndMetricAndSharesRepeatedOnes() {
    Strategy shared = strategy(1, "cpu.idle", "all(#3)", "<", 10).build();
    StrategySet set = StrategySet.newBuilder().setVersion(5)
        .addHosts(HostStrategies.newBuilder().setHostname("a").addStrategies(shared)
            .addStrategies(strategy(2, "load.1min", "max(#2)", ">", 8)))
        .addHosts(HostStrategies.newBuilder().setHostname("b").addStrategies(shared))
        .build();
    StrategyIndex index = StrategyIndex.build(set, 11);
    assertThat(index.version()).isEqualTo(5);
    assertThat(index.strategyCount()).isEqualTo(2);
    assertThat(index.hostCount()).isEqualTo(2);
    assertThat(index.strategies("a", "cpu.idle")).singleElement().extracting(Rule::id).isEqualTo(1L);
    assertThat(index.strategies("a", "cpu.idle").get(0)).isSameAs(index.strategies("b", "cpu.idle").get(0));
    assertThat(index.strategies("b", "load.1min")).isEmpty();
    assertThat(index.strategies("c", "cpu.idle")).isEmpty();
  }

  @Test
  void skipsWhatCannotBeJudgedWithTheReason() {
    StrategySet set = Strategies(
        strategy(1, "cpu.idle", "median(#3)", "<", 10),
        strategy(2, "cpu.idle", "all(#3)", "=>", 10),
        strategy(3, "cpu.idle", "all(#12)", "<", 10),
        strategy(4, "cpu.idle", "all(#3)", "<", 10).setRunBegin("9:00"),
        strategy(5, "cpu.idle", "all(#3)", "<", 10).setTags("bad tag"),
        strategy(6, "cpu.idle", "stddev(#5)", "", 3),
        strategy(7, "cpu.idle", "all(#3)", "<", 10).setPriority(9));
    StrategyIndex index = StrategyIndex.build(set, 11);
    assertThat(index.skipped()).extracting(RuleProblem::id).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(index.skipped().get(0).reason()).contains("unknown function 'median'");
    assertThat(index.skipped().get(1).reason()).contains("operator '=>'");
    assertThat(index.skipped().get(2).reason()).contains("needs 12 points but judge.historySize keeps 11");
    assertThat(index.skipped().get(3).reason()).contains("both");
    assertThat(index.strategies("h", "cpu.idle")).extracting(Rule::id).containsExactly(6L, 7L);
    assertThat(index.strategies("h", "cpu.idle").get(1).priority()).isEqualTo(6);
    assertThat(index.warnings()).singleElement().extracting(RuleProblem::reason).asString()
        .contains("priority 9 is outside 0..6");
  }

  @Test
  void indexesUnpausedExpressionsByMetric() {
    StrategySet set = StrategySet.newBuilder().setVersion(2)
        .addExpressions(expression(1, "each(metric=qps service=api endpoint=web1)", "all(#1)", ">", 1))
        .addExpressions(expression(2, "each(metric=qps)", "all(#1)", ">", 1).setPause(true))
        .addExpressions(expression(3, "each(service=api)", "all(#1)", ">", 1))
        .build();
    StrategyIndex index = StrategyIndex.build(set, 11);
    assertThat(index.expressions("qps")).singleElement().satisfies(r -> {
      assertThat(r.id()).isEqualTo(1);
      assertThat(r.tags()).containsExactlyInAnyOrderEntriesOf(Map.of("service", "api", "endpoint", "web1"));
    });
    assertThat(index.skipped()).singleElement().extracting(RuleProblem::reason).asString()
        .contains("names no metric");
  }

  @Test
  void expressionSelectorAcceptsSpacesOrCommasAndRefusesJunk() {
    ExpressionSelector s = ExpressionSelector.parse(" each(metric=qps, service=api  dc=bj) ");
    assertThat(s.metric()).isEqualTo("qps");
    assertThat(s.tags()).containsExactly(Map.entry("dc", "bj"), Map.entry("service", "api"));
    assertThatThrownBy(() -> ExpressionSelector.parse("all(metric=qps)")).hasMessageContaining("each(");
    assertThatThrownBy(() -> ExpressionSelector.parse("each(metric=qps service)")).hasMessageContaining("key=value");
    assertThatThrownBy(() -> ExpressionSelector.parse("each(metric=a metric=b)")).hasMessageContaining("twice");
  }

  @Test
  void jsonShowsHostsExpressionsAndSkipped() {
    StrategySet set = Strategies(strategy(1, "cpu.idle", "all(#3)", "<", 10).setTags("a=1"),
        strategy(2, "cpu.idle", "nope", "<", 10)).toBuilder()
        .addExpressions(expression(3, "each(metric=qps service=api)", "all(#1)", ">", 1)).build();
    JsonNode json = StrategyIndex.build(set, 11).toJson();
    assertThat(json.get("version").asLong()).isEqualTo(1);
    JsonNode s = json.get("hosts").get("h").get(0);
    assertThat(s.get("id").asLong()).isEqualTo(1);
    assertThat(s.get("func").asText()).isEqualTo("all(#3)");
    assertThat(s.get("tags").get("a").asText()).isEqualTo("1");
    assertThat(s.get("tpl").get("actionId").asLong()).isEqualTo(50);
    assertThat(s.get("window").asText()).isEqualTo("always");
    assertThat(json.get("expressions").get(0).get("id").asLong()).isEqualTo(3);
    assertThat(json.get("skipped").get(0).get("id").asLong()).isEqualTo(2);
  }

  private static StrategySet Strategies(Strategy.Builder... strategies) {
    return io.peregrine.judge.testing.Strategies.set(1, "h", strategies);
  }
}
