package io.peregrine.hbs.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.hbs.store.ExpressionRow;
import io.peregrine.hbs.store.HostRow;
import io.peregrine.hbs.store.StrategyRow;
import io.peregrine.hbs.store.TemplateRow;
import io.peregrine.proto.v1.HostStrategies;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SetBuilderTest {
  private static final long NOW = 1_800_000_000L;

  private static ConfigRows rows(String right, long maintainEnd) {
    return new ConfigRows(
        List.of(new HostRow(1, "b-host", "", "", "", 0, maintainEnd, 0), new HostRow(2, "a-host", "", "", "", 0, 0, 0),
            new HostRow(3, "idle", "", "", "", 0, 0, 0)),
        List.of(Map.entry("b-host", 1L), Map.entry("a-host", 1L)),
        List.of(new TemplateRow(1, "t", 0, 5, "")),
        List.of(new StrategyRow(10, "cpu.busy", "", 3, 2, "all(#3)", ">", right, "", "", "", 1)),
        List.of(new ExpressionRow(20, "each(metric=qps)", "all(#1)", ">", "5", 1, 3, "", 5, "", false)));
  }

  @Test
  void sameContentSameVersionAndAnyChangeANewOne() {
    ResolvedSet first = SetBuilder.build(rows("90", 0), NOW);
    ResolvedSet same = SetBuilder.build(rows("90", 0), NOW);
    ResolvedSet other = SetBuilder.build(rows("91", 0), NOW);

    assertThat(first.version()).isPositive().isEqualTo(same.version()).isNotEqualTo(other.version());
    assertThat(first.set().getHostsList()).extracting(HostStrategies::getHostname)
        .containsExactly("a-host", "b-host");
    assertThat(first.strategyCount()).isEqualTo(2);
    assertThat(first.hostCount()).isEqualTo(3);
    assertThat(first.set().getExpressions(0).getActionId()).isEqualTo(5);
  }

  @Test
  void hostInMaintenanceGetsNothingUntilTheWindowEnds() {
    ResolvedSet during = SetBuilder.build(rows("90", NOW + 60), NOW);
    ResolvedSet after = SetBuilder.build(rows("90", NOW - 1), NOW);

    assertThat(during.set().getHostsList()).extracting(HostStrategies::getHostname).containsExactly("a-host");
    assertThat(after.set().getHostsList()).extracting(HostStrategies::getHostname)
        .containsExactly("a-host", "b-host");
  }
}
