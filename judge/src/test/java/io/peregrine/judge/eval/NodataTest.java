package io.peregrine.judge.eval;

import static io.peregrine.judge.testing.Strategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.common.time.ManualClock;
import io.peregrine.judge.strategy.StrategyIndex;
import io.peregrine.judge.testing.Strategies;
import io.peregrine.proto.v1.MockConfig;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.StrategySet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** nodata(#n) / nodata(10m) rules and Open-Falcon's mock configs, with the judge's clock moved by hand. */
class NodataTest {
  private static final long T0 = 1_800_000_000L;
  private final ManualClock clock = new ManualClock(T0);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AlertEvent> events = new ArrayList<>();
  private final AtomicReference<StrategyIndex> index = new AtomicReference<>();
  private HistoryStore history;

  private Evaluator evaluator(StrategySet set) {
    index.set(StrategyIndex.build(set, 11));
    history = new HistoryStore(11, clock, registry);
    return new Evaluator(history, index::get, events::add, 11, Duration.ofSeconds(300), clock, registry);
  }

  private static Sample sample(double value, long t) {
    return TestSamples.gauge("host1", "cpu.idle", "", value, t); // step 60
  }

  private void at(long seconds, Evaluator e) {
    clock.setSeconds(seconds);
    e.checkSilence();
  }

  @Test
  void firesAfterNStepsOfSilenceRepeatsUpToMaxStepAndRecoversWhenSamplesReturn() {
    Evaluator e = evaluator(Strategies.set(1, "host1", strategy(9, "cpu.idle", "nodata(#3)", "==", 0).setMaxStep(2)));
    clock.setSeconds(T0);
    e.judge(sample(1, T0));
    at(T0 + 60, e);
    e.judge(sample(1, T0 + 60));
    at(T0 + 239, e);
    assertThat(events).as("silent for 179 s of the 180 allowed").isEmpty();
    at(T0 + 240, e);
    assertThat(events).hasSize(1);
    AlertEvent p = events.get(0);
    assertThat(p.status()).isEqualTo(AlertEvent.PROBLEM);
    assertThat(p.id()).isEqualTo("s_9_" + SeriesKey.md5Hex("host1/cpu.idle"));
    assertThat(p.currentStep()).isEqualTo(1);
    assertThat(p.eventTime()).isEqualTo(T0 + 240);
    assertThat(p.leftValue()).as("seconds of silence").isEqualTo(180);
    assertThat(p.values()).isEmpty();
    // silence goes on: the next step comes after max(threshold, minInterval) = 300 s, and stops at maxStep 2
    at(T0 + 500, e);
    assertThat(events).hasSize(1);
    at(T0 + 540, e);
    assertThat(events).extracting(AlertEvent::currentStep).containsExactly(1, 2);
    at(T0 + 2000, e);
    assertThat(events).as("maxStep reached, silence is never an OK").hasSize(2);
    // the series speaks again: OK
    clock.setSeconds(T0 + 2010);
    e.judge(sample(1, T0 + 2010));
    assertThat(events).hasSize(3);
    assertThat(events.get(2).status()).isEqualTo(AlertEvent.OK);
    assertThat(events.get(2).eventTime()).isEqualTo(T0 + 2010);
    assertThat(e.pendingSilenceChecks()).as("one deadline for the one series").isEqualTo(1);
  }

  @Test
  void aSeriesThatKeepsReportingNeverFiresAndCostsOneQueuedDeadline() {
    Evaluator e = evaluator(Strategies.set(1, "host1", strategy(9, "cpu.idle", "nodata(2m)", "==", 0)));
    for (long t = T0; t <= T0 + 3600; t += 60) {
      clock.setSeconds(t);
      e.judge(sample(1, t));
      e.checkSilence();
      assertThat(e.pendingSilenceChecks()).isEqualTo(1);
    }
    assertThat(events).isEmpty();
  }

  @Test
  void aSeriesNeverSeenRaisesNothingAndARuleRemovedFromTheSetStopsTheChecks() {
    Evaluator e = evaluator(Strategies.set(1, "host1", strategy(9, "cpu.idle", "nodata(#1)", "==", 0)));
    at(T0 + 3600, e);
    assertThat(events).isEmpty();
    clock.setSeconds(T0);
    e.judge(sample(1, T0));
    index.set(StrategyIndex.build(Strategies.set(2, "host1", strategy(10, "cpu.idle", "all(#1)", ">", 5)), 11));
    at(T0 + 600, e);
    assertThat(events).isEmpty();
    assertThat(e.pendingSilenceChecks()).isZero();
  }

  @Test
  void aMockValueIsInjectedAfterTheTimeoutSoAStrategyOnItFires() {
    StrategySet set = Strategies.set(1, "host1", strategy(11, "agent.alive", "all(#1)", "==", -1)).toBuilder()
        .addMockConfigs(MockConfig.newBuilder().setId(1).setName("alive").setEndpoint("host1")
            .setMetric("agent.alive").setTags("").setCounterType("GAUGE").setStep(60).setMock(-1))
        .build();
    Evaluator e = evaluator(set);
    clock.setSeconds(T0);
    e.judge(TestSamples.gauge("host1", "agent.alive", "", 1, T0));
    at(T0 + 179, e);
    assertThat(events).isEmpty();
    at(T0 + 180, e); // Open-Falcon's timeout: max(3 steps, 180 s)
    assertThat(events).hasSize(1);
    assertThat(events.get(0).status()).isEqualTo(AlertEvent.PROBLEM);
    assertThat(events.get(0).leftValue()).isEqualTo(-1);
    // stamped two steps back from the current step, as Open-Falcon's nodata does
    long nowStep = (T0 + 180) - (T0 + 180) % 60;
    assertThat(events.get(0).eventTime()).isEqualTo(nowStep - 120);
    assertThat(registry.counter("judge.nodata.mocks.injected").count()).isEqualTo(1);
    // the agent is back: the real value judges as usual
    clock.setSeconds(T0 + 300);
    e.judge(TestSamples.gauge("host1", "agent.alive", "", 1, T0 + 300));
    assertThat(events).extracting(AlertEvent::status).containsExactly(AlertEvent.PROBLEM, AlertEvent.OK);
    at(T0 + 400, e);
    assertThat(registry.counter("judge.nodata.mocks.injected").count()).as("not silent any more").isEqualTo(1);
  }

  @Test
  void nodataFuncParses() {
    assertThat(JudgeFunction.parse("nodata(#3)").nodataSeconds(10)).isEqualTo(30);
    assertThat(JudgeFunction.parse("nodata(#3)").nodataSeconds(0)).isEqualTo(180);
    assertThat(JudgeFunction.parse("nodata(10m)").nodataSeconds(10)).isEqualTo(600);
    assertThat(JudgeFunction.parse(" nodata( 2h ) ").nodataSeconds(10)).isEqualTo(7200);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> JudgeFunction.parse("nodata(25h)"))
        .hasMessageContaining("1s..24h");
  }
}
