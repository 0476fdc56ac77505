package io.peregrine.judge.eval;

import static io.peregrine.judge.testing.Strategies.expression;
import static io.peregrine.judge.testing.Strategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.common.time.ManualClock;
import io.peregrine.judge.strategy.StrategyIndex;
import io.peregrine.judge.testing.Strategies;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.StrategySet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
  private static final long T0 = 1_800_000_000L; // 2027-01-15 08:00 UTC
  private final ManualClock clock = new ManualClock(T0);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AlertEvent> events = new ArrayList<>();
  private boolean sinkAccepts = true;

  private Evaluator evaluator(StrategySet set) {
    StrategyIndex index = StrategyIndex.build(set, 11);
    HistoryStore history = new HistoryStore(11, clock, registry);
    return new Evaluator(history, () -> index, e -> sinkAccepts && events.add(e), 11, Duration.ofSeconds(300),
        clock, registry);
  }

  private Sample gauge(double value, long t) {
    return TestSamples.gauge("host1", "cpu.idle", "", value, t);
  }

  /** Pushes a value at t, with the judge's clock at t too (as in live operation). */
  private void push(Evaluator e, Sample s) {
    clock.setSeconds(s.getTimestamp());
    e.judge(s);
  }

  private double counter(String name, String tagKey, String tagValue) {
    return tagKey == null ? registry.counter(name).count() : registry.counter(name, tagKey, tagValue).count();
  }

  @Test
  void raisesProblemThenOkWithOpenFalconFields() {
    Evaluator e = evaluator(Strategies.set(1, "host1", strategy(7, "cpu.idle", "all(#3)", "<", 10)));
    push(e, gauge(5, T0));
    push(e, gauge(4, T0 + 60));
    assertThat(events).as("two points are not enough for all(#3)").isEmpty();
    push(e, gauge(3, T0 + 120));
    assertThat(events).hasSize(1);
    AlertEvent p = events.get(0);
    String md5 = SeriesKey.md5Hex("host1/cpu.idle");
    assertThat(p.id()).isEqualTo("s_7_" + md5);
    assertThat(p.status()).isEqualTo("PROBLEM");
    assertThat(p.currentStep()).isEqualTo(1);
    assertThat(p.eventTime()).isEqualTo(T0 + 120);
    assertThat(p.leftValue()).isEqualTo(3);
    assertThat(p.values()).containsExactly(3.0, 4.0, 5.0);
    assertThat(p.endpoint()).isEqualTo("host1");
    assertThat(p.metric()).isEqualTo("cpu.idle");
    assertThat(p.priority()).isEqualTo(2);
    assertThat(p.eventKey()).isEqualTo("s_7_" + md5 + "/PROBLEM/" + (T0 + 120) + "/1");
    assertThat(p.strategy().id()).isEqualTo(7);
    assertThat(p.strategy().func()).isEqualTo("all(#3)");
    assertThat(p.strategy().operator()).isEqualTo("<");
    assertThat(p.strategy().rightValue()).isEqualTo(10);
    assertThat(p.strategy().tpl().id()).isEqualTo(40);
    assertThat(p.strategy().tpl().actionId()).isEqualTo(50);
    assertThat(p.expression()).isNull();

    push(e, gauge(50, T0 + 180));
    assertThat(events).hasSize(2);
    AlertEvent ok = events.get(1);
    assertThat(ok.status()).isEqualTo("OK");
    assertThat(ok.currentStep()).isEqualTo(1);
    assertThat(ok.leftValue()).isEqualTo(50);
    assertThat(ok.eventTime()).isEqualTo(T0 + 180);
    push(e, gauge(60, T0 + 240));
    assertThat(events).as("OK is sent once").hasSize(2);
    assertThat(registry.counter("judge.events.emitted", "status", "PROBLEM", "priority", "p2").count()).isEqualTo(1);
    assertThat(registry.counter("judge.events.emitted", "status", "OK", "priority", "p2").count()).isEqualTo(1);
  }

  @Test
  void repeatsOnlyAfterNewPointsAndTheMinimumIntervalUpToMaxStep() {
    Evaluator e = evaluator(Strategies.set(1, "host1",
        strategy(7, "cpu.idle", "all(#1)", ">", 90).setMaxStep(2)));
    push(e, gauge(95, T0));
    assertThat(events).extracting(AlertEvent::currentStep).containsExactly(1);
    push(e, gauge(95, T0 + 60));
    assertThat(events).as("within 300 s of the last event").hasSize(1);
    push(e, gauge(95, T0 + 300));
    assertThat(events).extracting(AlertEvent::currentStep).containsExactly(1, 2);
    push(e, gauge(95, T0 + 900));
    assertThat(events).as("maxStep 2 reached").hasSize(2);
  }

  @Test
  void minimumIntervalUsesTheJudgeClockNotTheSampleTime() {
    Evaluator e = evaluator(Strategies.set(1, "host1", strategy(7, "cpu.idle", "all(#1)", ">", 90)));
    // replayed old data: the judge's clock is far ahead of the samples
    clock.setSeconds(T0 + 10_000);
    e.judge(gauge(95, T0));
    e.judge(gauge(95, T0 + 60));
    assertThat(events).extracting(AlertEvent::currentStep).containsExactly(1, 2);
  }

  @Test
  void doesNotRepeatFromPointsThatAlreadyRaisedTheLastEvent() {
    Evaluator e = evaluator(Strategies.set(1, "host1", strategy(7, "cpu.idle", "all(#3)", ">", 90)));
    clock.setSeconds(T0 + 10_000);
    e.judge(gauge(95, T0));
    e.judge(gauge(95, T0 + 60));
    e.judge(gauge(95, T0 + 120));
    assertThat(events).hasSize(1);
    e.judge(gauge(95, T0 + 180));
    e.judge(gauge(95, T0 + 240));
    assertThat(events).as("the oldest point used is still at or before the last event").hasSize(1);
    e.judge(gauge(95, T0 + 300));
    assertThat(events).extracting(AlertEvent::currentStep).containsExactly(1, 2);
    assertThat(events.get(1).values()).containsExactly(95.0, 95.0, 95.0);
  }

  @Test
  void maxStepZeroNeverSendsAndNeverOks() {
    Evaluator e = evaluator(Strategies.set(1, "host1", strategy(7, "cpu.idle", "all(#1)", ">", 90).setMaxStep(0)));
    push(e, gauge(95, T0));
    push(e, gauge(5, T0 + 60));
    assertThat(events).isEmpty();
  }

  @Test
  void strategyTagsMustAllBeOnTheSample() {
    Evaluator e = evaluator(Strategies.set(1, "host1",
        strategy(8, "df.bytes.free.percent", "all(#1)", "<", 10).setTags("mount=/data")));
    e.judge(TestSamples.gauge("host1", "df.bytes.free.percent", "fstype=ext4,mount=/", 5, T0));
    assertThat(events).isEmpty();
    assertThat(counter("judge_unwatched_samples", null, null)).isEqualTo(1);
    e.judge(TestSamples.gauge("host1", "df.bytes.free.percent", "fstype=ext4,mount=/data", 5, T0));
    assertThat(events).hasSize(1);
    assertThat(events.get(0).pushedTags()).containsEntry("mount", "/data").containsEntry("fstype", "ext4");
    e.judge(TestSamples.gauge("host2", "df.bytes.free.percent", "mount=/data", 5, T0));
    assertThat(events).as("strategies are per host").hasSize(1);
  }

  @Test
  void dropsSamplesNotNewerThanTheNewestKeptPoint() {
    Evaluator e = evaluator(Strategies.set(1, "host1", strategy(7, "cpu.idle", "all(#2)", ">", 90)));
    push(e, gauge(95, T0 + 60));
    e.judge(gauge(95, T0 + 60));
    e.judge(gauge(95, T0));
    assertThat(events).as("the duplicate and the older sample judged nothing").isEmpty();
    assertThat(registry.counter("judge_dropped_samples", "reason", "not_newer").count()).isEqualTo(2);
    assertThat(counter("judge_judged_samples", null, null)).isEqualTo(1);
  }

  @Test
  void countersAreJudgedOnRatesAndAResetYieldsNoPoint() {
    Evaluator e = evaluator(Strategies.set(1, "host1", strategy(9, "net.if.in.bytes", "all(#2)", ">", 5)));
    Sample base = TestSamples.counter("host1", "net.if.in.bytes", "iface=eth0", 0, 0);
    push(e, base.toBuilder().setValue(1000).setTimestamp(T0).build());
    push(e, base.toBuilder().setValue(1600).setTimestamp(T0 + 60).build());
    assertThat(events).as("one rate is not enough for all(#2)").isEmpty();
    push(e, base.toBuilder().setValue(2200).setTimestamp(T0 + 120).build());
    assertThat(events).hasSize(1);
    assertThat(events.get(0).values()).containsExactly(10.0, 10.0);
    assertThat(events.get(0).leftValue()).isEqualTo(10);
    // reset: 2200 -> 100 gives no rate; the judged points are then 2 (next) and the two old 10s
    push(e, base.toBuilder().setValue(100).setTimestamp(T0 + 180).build());
    push(e, base.toBuilder().setValue(220).setTimestamp(T0 + 240).build());
    assertThat(events).hasSize(2);
    assertThat(events.get(1).status()).isEqualTo("OK");
    assertThat(events.get(1).values()).containsExactly(2.0, 10.0);
  }

  @Test
  void deriveRatesMayBeNegative() {
    Evaluator e = evaluator(Strategies.set(1, "host1", strategy(9, "queue.delta", "all(#1)", "<", 0)));
    Sample base = TestSamples.gauge("host1", "queue.delta", "", 0, 0).toBuilder()
        .setCounterType(CounterType.DERIVE).build();
    push(e, base.toBuilder().setValue(100).setTimestamp(T0).build());
    push(e, base.toBuilder().setValue(40).setTimestamp(T0 + 60).build());
    assertThat(events).hasSize(1);
    assertThat(events.get(0).leftValue()).isEqualTo(-1);
  }

  @Test
  void expressionsSelectByMetricAndTagsIncludingEndpoint() {
    StrategySet set = StrategySet.newBuilder().setVersion(1)
        .addExpressions(expression(3, "each(metric=qps service=api)", "all(#1)", ">", 100))
        .addExpressions(expression(4, "each(metric=qps endpoint=web2)", "all(#1)", ">", 100))
        .addExpressions(expression(5, "each(metric=qps service=api)", "all(#1)", ">", 100).setPause(true))
        .build();
    Evaluator e = evaluator(set);
    e.judge(TestSamples.gauge("web1", "qps", "service=api", 150, T0));
    e.judge(TestSamples.gauge("web2", "qps", "service=db", 150, T0));
    e.judge(TestSamples.gauge("web3", "qps", "service=db", 150, T0));
    assertThat(events).extracting(AlertEvent::id).containsExactly(
        "e_3_" + SeriesKey.md5Hex("web1/qps/service=api"),
        "e_4_" + SeriesKey.md5Hex("web2/qps/service=db"));
    AlertEvent first = events.get(0);
    assertThat(first.strategy()).isNull();
    assertThat(first.expression().id()).isEqualTo(3);
    assertThat(first.expression().metric()).isEqualTo("qps");
    assertThat(first.expression().tags()).containsExactly(java.util.Map.entry("service", "api"));
    assertThat(first.expression().actionId()).isEqualTo(60);
    assertThat(first.actionId()).isEqualTo(60);
    assertThat(first.priority()).isEqualTo(1);
  }

  @Test
  void nothingIsJudgedOutsideTheRunWindow() {
    Evaluator e = evaluator(Strategies.set(1, "host1",
        strategy(7, "cpu.idle", "all(#1)", ">", 90).setRunBegin("09:00").setRunEnd("17:00")));
    push(e, gauge(95, T0 - 3600)); // 07:00 UTC
    assertThat(events).isEmpty();
    push(e, gauge(95, T0 + 3600)); // 09:00 UTC
    assertThat(events).hasSize(1);
  }

  @Test
  void anEventTheSinkRefusedIsNotRememberedSoItIsRaisedAgain() {
    Evaluator e = evaluator(Strategies.set(1, "host1", strategy(7, "cpu.idle", "all(#1)", ">", 90)));
    sinkAccepts = false;
    push(e, gauge(95, T0));
    sinkAccepts = true;
    push(e, gauge(96, T0 + 60));
    assertThat(events).extracting(AlertEvent::currentStep).containsExactly(1);
    assertThat(events.get(0).leftValue()).isEqualTo(96);
  }

  @Test
  void strategiesAndExpressionsOnOneSeriesKeepSeparateDedupState() {
    StrategySet set = Strategies.set(1, "host1", strategy(7, "cpu.idle", "all(#1)", ">", 90)).toBuilder()
        .addExpressions(expression(3, "each(metric=cpu.idle endpoint=host1)", "all(#1)", ">", 50)).build();
    Evaluator e = evaluator(set);
    push(e, gauge(95, T0));
    push(e, gauge(60, T0 + 60));
    assertThat(events).extracting(ev -> ev.id().substring(0, 4) + ev.status())
        .containsExactly("s_7_PROBLEM", "e_3_PROBLEM", "s_7_OK");
  }
}
