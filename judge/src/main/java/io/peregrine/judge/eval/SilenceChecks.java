package io.peregrine.judge.eval;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.model.CounterTypes;
import io.peregrine.common.model.Tags;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.MockConfig;
import io.peregrine.proto.v1.Sample;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Silence: nodata rules and Open-Falcon mock configs. A sample only arms a deadline (once per series and rule);
 * when a deadline comes due the check looks at the series' receipt time and either raises (nodata PROBLEM, or the
 * mock value injected) or queues itself again at the real deadline. Cost per watched series: one queue entry
 * (about 40 bytes) and one O(log n) re-queue per silence period; series no nodata rule or mock watches cost nothing.
 */
final class SilenceChecks {
  /** Bounds one run of the silence checker; what remains is due already and runs on the next tick. */
  static final int MAX_CHECKS_PER_RUN = 200_000;
  private final Deadlines deadlines = new Deadlines();
  private final HistoryStore history;
  private final Supplier<? extends RuleLookup> rules;
  private final EventEmitter emitter;
  private final JudgeMeters meters;
  private final Clock clock;
  /** Judges an injected mock value as a sample that does not end the silence. */
  private final Consumer<Sample> judgeMock;

  SilenceChecks(HistoryStore history, Supplier<? extends RuleLookup> rules, EventEmitter emitter, JudgeMeters meters,
      Clock clock, Consumer<Sample> judgeMock, MeterRegistry registry) {
    this.history = history;
    this.rules = rules;
    this.emitter = emitter;
    this.meters = meters;
    this.clock = clock;
    this.judgeMock = judgeMock;
    Gauge.builder("judge.nodata.deadlines", deadlines, Deadlines::size)
        .description("silence checks queued (one per nodata rule and series, one per mocked series)")
        .register(registry);
  }

  /** Queues the first silence check of a nodata rule on a series; later checks queue themselves. */
  void armNodata(SeriesState state, Rule rule, int step, long nowMillis) {
    SeriesState.Watched w = state.watch();
    w.step = step;
    String key = rule.key();
    if (w.armedRules.add(key)) {
      deadlines.add(new Deadlines.Entry(nowMillis + rule.function().nodataSeconds(w.step) * 1000, state, key));
    }
  }

  /** Looks up the series' mock config in a new strategy set and queues its check. */
  void watchMock(SeriesState state, RuleLookup lookup, long nowMillis) {
    state.mockSource = lookup;
    MockConfig mock = lookup.mock(state.key());
    SeriesState.Watched w = mock == null ? state.watched() : state.watch();
    if (w == null) {
      return;
    }
    w.mock = mock;
    if (mock != null && !w.mockArmed) {
      w.mockArmed = true;
      deadlines.add(new Deadlines.Entry(nowMillis + mockTimeoutSeconds(mock) * 1000, state, null));
    }
  }

  /** Open-Falcon's nodata timeout: three steps, at least three minutes. */
  static long mockTimeoutSeconds(MockConfig mock) {
    return Math.max(3L * mockStep(mock), 180);
  }

  private static int mockStep(MockConfig mock) {
    return mock.getStep() > 0 ? mock.getStep() : 60;
  }

  private static CounterType mockType(MockConfig mock, CounterType seen) {
    CounterType t = CounterTypes.parse(mock.getCounterType());
    return t == CounterType.COUNTER_TYPE_UNSPECIFIED ? seen : t;
  }

  /** Runs the checks that are due; returns how many ran. */
  int run() {
    long now = clock.millis();
    List<Deadlines.Entry> due = deadlines.pollDue(now, MAX_CHECKS_PER_RUN);
    for (Deadlines.Entry e : due) {
      if (!history.isCurrent(e.state())) {
        continue; // the sweep forgot the series
      }
      if (e.ruleKey() == null) {
        mockDue(e.state(), now);
      } else {
        nodataDue(e.state(), e.ruleKey(), now);
      }
    }
    return due.size();
  }

  int pending() {
    return deadlines.size();
  }

  private void nodataDue(SeriesState state, String ruleKey, long now) {
    SeriesState.Watched w;
    synchronized (state) {
      w = state.watched();
    }
    Rule rule = RuleMatcher.currentNodataRule(rules.get(), w, ruleKey);
    long minIntervalMillis = emitter.minIntervalSeconds() * 1000;
    synchronized (state) {
      if (rule == null) {
        w.armedRules.remove(ruleKey); // the strategy set no longer has it; a sample re-arms a new one
        return;
      }
      long threshold = rule.function().nodataSeconds(w.step) * 1000;
      long silentUntil = state.lastReceiptMillis() + threshold;
      if (now < silentUntil) {
        deadlines.add(new Deadlines.Entry(silentUntil, state, ruleKey));
        return;
      }
      deadlines.add(new Deadlines.Entry(now + Math.max(threshold, minIntervalMillis), state, ruleKey));
      if (!rule.window().isActive(clock)) {
        return;
      }
      long nowSeconds = now / 1000;
      double silentSeconds = (now - state.lastReceiptMillis()) / 1000.0;
      if (emitter.decided(state, rule, true, nowSeconds, (id, d) -> new AlertEvent(id, rule.eventStrategy(),
          rule.eventExpression(), d.status(), w.endpoint, silentSeconds, d.currentStep(), nowSeconds,
          Tags.toMap(w.tags), rule.priority(), w.metric, AlertEvent.keyOf(id, d.status(), nowSeconds,
          d.currentStep()), List.of()))) {
        meters.nodataRaised.increment();
      }
    }
  }

  private void mockDue(SeriesState state, long now) {
    Sample mockSample;
    synchronized (state) {
      SeriesState.Watched w = state.watched();
      MockConfig mock = w.mock;
      if (mock == null) {
        w.mockArmed = false;
        return;
      }
      long silentUntil = state.lastReceiptMillis() + mockTimeoutSeconds(mock) * 1000;
      if (now < silentUntil) {
        deadlines.add(new Deadlines.Entry(silentUntil, state, null));
        return;
      }
      int step = mockStep(mock);
      deadlines.add(new Deadlines.Entry(now + step * 1000L, state, null));
      long nowSeconds = now / 1000;
      // as Open-Falcon's nodata: two steps back, so a late real sample is not overwritten
      long ts = nowSeconds - nowSeconds % step - 2L * step;
      if (ts <= state.newestTimestamp()) {
        return;
      }
      mockSample = Sample.newBuilder().setEndpoint(w.endpoint).setMetric(w.metric).setTags(w.tags)
          .setTimestamp(ts).setValue(mock.getMock()).setStep(step)
          .setCounterType(mockType(mock, state.counterType())).build();
    }
    meters.mocksInjected.increment();
    judgeMock.accept(mockSample);
  }
}
