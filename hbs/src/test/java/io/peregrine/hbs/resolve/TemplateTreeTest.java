package io.peregrine.hbs.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.peregrine.hbs.store.StrategyRow;
import io.peregrine.hbs.store.TemplateRow;
import io.peregrine.proto.v1.Strategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateTreeTest {
  private static TemplateRow tpl(long id, long parent, long action) {
    return new TemplateRow(id, "t" + id, parent, action, "");
  }

  private static StrategyRow rule(long id, long tpl, String metric, String tags, String right) {
    return new StrategyRow(id, metric, tags, 3, 2, "all(#3)", ">", right, "", "", "", tpl);
  }

  @Test
  void childOverridesParentOnSameMetricAndTagsOnly() {
    TemplateTree tree = new TemplateTree(List.of(tpl(1, 0, 10), tpl(2, 1, 0)), List.of(
        rule(100, 1, "cpu.busy", "", "90"),
        rule(101, 1, "df.bytes.used.percent", "mount=/", "90"),
        rule(102, 2, "cpu.busy", "", "95"),
        rule(103, 2, "df.bytes.used.percent", "mount=/data", "95")));

    assertThat(tree.resolve(List.of(2L))).extracting(Strategy::getId, Strategy::getTemplateId, Strategy::getActionId)
        .containsExactly(tuple(101L, 1L, 10L), tuple(102L, 2L, 10L), tuple(103L, 2L, 10L));
    assertThat(tree.resolve(List.of(1L))).extracting(Strategy::getId).containsExactly(100L, 101L);
  }

  @Test
  void overrideMatchesCanonicalTagsWhateverTheStoredSpelling() {
    TemplateTree tree = new TemplateTree(List.of(tpl(1, 0, 0), tpl(2, 1, 0)), List.of(
        rule(100, 1, "net.port.listen", "port=80, proto=tcp", "1"),
        rule(101, 2, "net.port.listen", "proto=tcp,port=80", "1")));

    assertThat(tree.resolve(List.of(2L))).extracting(Strategy::getId, Strategy::getTags)
        .containsExactly(tuple(101L, "port=80,proto=tcp"));
  }

  @Test
  void boundAncestorAddsNothingItsDescendantOverrode() {
    TemplateTree tree = new TemplateTree(List.of(tpl(1, 0, 0), tpl(2, 1, 0), tpl(3, 0, 0)), List.of(
        rule(100, 1, "cpu.busy", "", "90"),
        rule(101, 2, "cpu.busy", "", "95"),
        rule(102, 3, "cpu.busy", "", "99")));

    // an unrelated template keeps its own strategy on the same metric
    assertThat(tree.resolve(List.of(1L, 2L, 3L))).extracting(Strategy::getId).containsExactly(101L, 102L);
  }

  @Test
  void parentLoopStopsInsteadOfSpinning() {
    TemplateTree tree = new TemplateTree(List.of(tpl(1, 3, 7), tpl(2, 1, 0), tpl(3, 2, 0)), List.of(
        rule(100, 1, "cpu.busy", "", "90"),
        rule(101, 3, "mem.memused.percent", "", "90")));

    assertThat(tree.templatesInCycles()).containsExactlyInAnyOrder(1L, 2L, 3L);
    assertThat(tree.chain(2)).containsExactly(3L, 1L, 2L);
    assertThat(tree.resolve(List.of(2L))).extracting(Strategy::getId).containsExactly(100L, 101L);
  }

  @Test
  void missingParentEndsTheChainAndUnreadableRowsAreLeftOut() {
    TemplateTree tree = new TemplateTree(List.of(tpl(2, 99, 0)), List.of(
        rule(100, 2, "cpu.busy", "", "ninety"),
        rule(101, 2, "cpu.busy", "a", "90"),
        rule(102, 2, "mem.memused.percent", "", "NaN"),
        rule(103, 2, "load.1min", "", " 4 "),
        rule(104, 42, "orphan", "", "1")));

    assertThat(tree.chain(2)).containsExactly(2L);
    assertThat(tree.resolve(List.of(2L))).extracting(Strategy::getId, Strategy::getRightValue)
        .containsExactly(tuple(103L, 4.0));
    assertThat(tree.unreadableStrategies()).isEqualTo(3);
  }
}
