package io.peregrine.judge.expr;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.common.time.ManualClock;
import io.peregrine.judge.eval.LastEvent;
import io.peregrine.judge.state.StateStore;
import io.peregrine.judge.state.StateUnavailableException;
import io.peregrine.proto.v1.Expression;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The engine on its own: inputs, staleness, results, dedup, state and rule changes. */
class ExprJudgeTest {
  private static final long T0 = 1_800_000_000L;
  private final ManualClock clock = new ManualClock(T0);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AlertEvent> events = new ArrayList<>();
  private final AtomicReference<List<Expression>> hbs = new AtomicReference<>(List.of());

  private ExprJudge judge(StateStore store, ExprRuleDef... rules) {
    return new ExprJudge(hbs::get, List.of(rules), 11, events::add, store, Duration.ofSeconds(300), clock,
        registry);
  }

  private void feed(ExprJudge j, String endpoint, String metric, double value, long offset) {
    clock.setSeconds(T0 + offset);
    j.judge(TestSamples.gauge(endpoint, metric, "", value, T0 + offset));
  }

  @Test
  void aRatioRaisesAProblemWithTheEventShapeOfAnExpression() {
    ExprJudge j = judge(StateStore.MEMORY, new ExprRuleDef(1, "all(#2): mem.memused / mem.memtotal * 100 > 90",
        3, 1, "memory", 77L, null, false));
    feed(j, "host1", "mem.memtotal", 1000, 0);
    feed(j, "host1", "mem.memused", 950, 0);
    feed(j, "host1", "mem.memused", 990, 60);
    assertThat(events).hasSize(1);
    AlertEvent e = events.get(0);
    assertThat(e.id()).isEqualTo("m_1_" + SeriesKey.md5Hex("host1"));
    assertThat(e.status()).isEqualTo(AlertEvent.PROBLEM);
    assertThat(e.leftValue()).isEqualTo(99);
    assertThat(e.values()).containsExactly(99.0, 95.0);
    assertThat(e.eventTime()).isEqualTo(T0 + 60);
    assertThat(e.priority()).isEqualTo(1);
    assertThat(e.metric()).isEqualTo("mem.memused / mem.memtotal * 100");
    assertThat(e.strategy()).isNull();
    assertThat(e.expression().actionId()).as("the sender finds receivers by it").isEqualTo(77);
    assertThat(e.expression().func()).isEqualTo("all(#2)");
    assertThat(e.expression().operator()).isEqualTo(">");
    assertThat(e.expression().rightValue()).isEqualTo(90);
    assertThat(e.expression().note()).isEqualTo("memory");
    assertThat(registry.get("judge.events.emitted").tag("status", "PROBLEM").tag("priority", "p1").counter()
        .count()).isEqualTo(1);
  }

  @Test
  void aStaleInputMakesTheResultUnknownNeverAnOk() {
    ExprJudge j = judge(StateStore.MEMORY, new ExprRuleDef(1, "a - b > 10"));
    feed(j, "h", "b", 0, 0);
    feed(j, "h", "a", 50, 0);
    assertThat(events).extracting(AlertEvent::status).containsExactly(AlertEvent.PROBLEM);
    feed(j, "h", "a", 0, 120); // b is 120 s = 2 steps old: still fresh
    assertThat(events).extracting(AlertEvent::status).containsExactly(AlertEvent.PROBLEM, AlertEvent.OK);
    feed(j, "h", "a", 50, 180); // b is 3 steps old: unknown, no PROBLEM
    feed(j, "h", "a", 0, 240);
    assertThat(events).hasSize(2);
    // b's own first sample (a not known yet) and the two evaluations with b stale
    assertThat(registry.get("judge.expr.unknown").tag("reason", "input").counter().count()).isEqualTo(3);
    feed(j, "h", "b", 0, 300);
    feed(j, "h", "a", 50, 300);
    assertThat(events).extracting(AlertEvent::status).containsExactly(AlertEvent.PROBLEM, AlertEvent.OK,
        AlertEvent.PROBLEM);
  }

  @Test
  void staleStepsIsPerRule() {
    ExprJudge j = judge(StateStore.MEMORY, new ExprRuleDef(1, "a - b > 10", null, null, null, 0L, 10, false));
    feed(j, "h", "b", 0, 0);
    feed(j, "h", "a", 50, 540);
    assertThat(events).hasSize(1);
  }

  @Test
  void divisionByZeroIsUnknownAndCounted() {
    ExprJudge j = judge(StateStore.MEMORY, new ExprRuleDef(1, "a / b > 1"));
    feed(j, "h", "b", 0, 0);
    feed(j, "h", "a", 5, 0);
    assertThat(events).isEmpty();
    assertThat(registry.get("judge.expr.unknown").tag("reason", "undefined").counter().count()).isEqualTo(1);
    feed(j, "h", "b", 2, 60);
    assertThat(events).extracting(AlertEvent::leftValue).containsExactly(2.5);
  }

  @Test
  void dedupIsTheStrategiesOwn() {
    ExprJudge j = judge(StateStore.MEMORY, new ExprRuleDef(1, "all(#1): a + b > 10", 2, null, null, 0L, null,
        false));
    for (int i = 0; i <= 20; i++) {
      feed(j, "h", "b", 10, i * 60L);
      feed(j, "h", "a", 5, i * 60L);
    }
    // step 1 at 0, step 2 once minInterval (300 s) passed, then maxStep 2 reached
    assertThat(events).extracting(AlertEvent::currentStep).containsExactly(1, 2);
    assertThat(events).extracting(AlertEvent::eventTime).containsExactly(T0, T0 + 300);
  }

  @Test
  void aStoredProblemIsNotRaisedAgainAfterARestartAndItsOkComes() {
    StateStore store = seriesHash -> seriesHash.equals(SeriesKey.md5Hex("h"))
        ? Map.of("m_1", new LastEvent(true, 1, T0 - 60)) : Map.of();
    ExprJudge j = judge(store, new ExprRuleDef(1, "a > 10", 1, null, null, 0L, null, false));
    feed(j, "h", "a", 50, 0);
    assertThat(events).as("maxStep 1 reached before the restart").isEmpty();
    feed(j, "h", "a", 1, 60);
    assertThat(events).extracting(AlertEvent::status).containsExactly(AlertEvent.OK);
  }

  @Test
  void anUnreadableStateStoreJudgesNothingUntilItAnswers() {
    boolean[] down = {true};
    StateStore store = seriesHash -> {
      if (down[0]) {
        throw new StateUnavailableException("redis down", null);
      }
      return Map.of();
    };
    ExprJudge j = judge(store, new ExprRuleDef(1, "a > 10"));
    feed(j, "h", "a", 50, 0);
    assertThat(events).isEmpty();
    assertThat(registry.get("judge.expr.unknown").tag("reason", "state_unavailable").counter().count()).isOne();
    down[0] = false;
    feed(j, "h", "a", 50, 60);
    assertThat(events).hasSize(1);
  }

  @Test
  void hbsCalcRowsAreJudgedAndAChangedRuleStartsItsInputsOver() {
    ExprJudge j = judge(StateStore.MEMORY);
    hbs.set(List.of(Expression.newBuilder().setId(5).setExpression("calc(a / b)").setFunc("all(#1)")
        .setOperator(">").setRightValue(1).setMaxStep(3).setPriority(2).build()));
    feed(j, "h", "b", 1, 0);
    feed(j, "h", "a", 5, 0);
    assertThat(events).extracting(AlertEvent::id).containsExactly("m_5_" + SeriesKey.md5Hex("h"));
    // the same row again in a new set: inputs kept (b is known, so a alone judges)
    hbs.set(List.of(hbs.get().get(0).toBuilder().build()));
    feed(j, "h", "a", 0.5, 60);
    assertThat(events).extracting(AlertEvent::status).containsExactly(AlertEvent.PROBLEM, AlertEvent.OK);
    // a changed row: inputs start over (b unknown until it is sent again)
    hbs.set(List.of(hbs.get().get(0).toBuilder().setExpression("calc(a / b * 10)").build()));
    feed(j, "h", "a", 5, 120);
    assertThat(events).hasSize(2);
    feed(j, "h", "b", 1, 120);
    assertThat(events).hasSize(3);
    assertThat(j.toJson().at("/rules/0/value").asText()).isEqualTo("a / b * 10");
  }

  @Test
  void endpointsAreSeparateAndTheSweepForgetsSilentOnesAndRemovedRules() {
    ExprJudge j = judge(StateStore.MEMORY, new ExprRuleDef(1, "a > 10"));
    feed(j, "h1", "a", 50, 0);
    feed(j, "h2", "a", 50, 0);
    assertThat(events).extracting(AlertEvent::endpoint).containsExactly("h1", "h2");
    assertThat(j.instanceCount()).isEqualTo(2);
    clock.setSeconds(T0 + ExprJudge.STALE_AFTER.toSeconds() - 10);
    feed(j, "h2", "a", 50, ExprJudge.STALE_AFTER.toSeconds() - 10);
    clock.setSeconds(T0 + ExprJudge.STALE_AFTER.toSeconds() + 1);
    assertThat(j.sweep()).isEqualTo(1);
    assertThat(j.instanceCount()).isEqualTo(1);
  }

  @Test
  void badRulesAreSkippedWithTheirReason() {
    assertThat(ExprJudge.problems(List.of(Expression.newBuilder().setId(3).setExpression("calc(a +)")
            .setFunc("all(#1)").setOperator(">").build()),
        List.of(new ExprRuleDef(1, "all(#20): a > 1"), new ExprRuleDef(2, "a > 1"), new ExprRuleDef(2, "b > 1")),
        11))
        .containsExactly("config 1 ('all(#20): a > 1'): func 'all(#20)' needs 20 points but judge.historySize keeps "
                + "11: it could never be judged",
            "config 2 ('b > 1'): id 2 is used twice",
            "hbs 3 ('calc(a +) all(#1) > 0.0'): col 9: expected a metric name or number, found the end of the text");
  }
}
