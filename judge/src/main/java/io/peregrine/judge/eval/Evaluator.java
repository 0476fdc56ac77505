package io.peregrine.judge.eval;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.judge.state.StateStore;
import io.peregrine.proto.v1.Sample;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Judges one sample: finds its series ({@link SeriesTable}, by hash and bytes), the rules that apply to it (matched
 * once per series and strategy set, {@link RuleMatcher}), adds the point to the series' history, runs each rule's
 * function and hands the outcome to {@link EventEmitter} (Open-Falcon's dedup). Silence (nodata, mock values) is
 * {@link SilenceChecks}, agent lost {@link AgentJudge}. Thread-safe; samples of one series are judged one at a time.
 *
 * <p>The hot path builds no string, map, boxed value or lambda: strings are decoded from the sample's bytes only
 * when a series is new or an event is made.
 *
 * <p>The last events of a series are read back from the {@link StateStore} on its first sample after start. While
 * the store cannot be read (Redis down), the series' samples join its history but are not judged, so a restarted
 * judge never re-raises a PROBLEM it cannot see; the next sample tries again. Events cannot be published while
 * Redis is down anyway.
 */
public final class Evaluator {
  /** The metric agent-lost events carry; a host's strategy on it says who is told. */
  public static final String AGENT_METRIC = "agent.alive";
  /** Tags of the agent-lost pseudo series: its event id differs from the id of the agent.alive samples' series. */
  public static final String AGENT_TAGS = "source=hbs";
  /** Bounds one run of the silence checker; what remains is due already and runs on the next tick. */
  static final int MAX_CHECKS_PER_RUN = SilenceChecks.MAX_CHECKS_PER_RUN;
  /** Most samples one {@link #prefetch} call takes. */
  public static final int PREFETCH_WINDOW = SeriesTable.PREFETCH_WINDOW;

  private final HistoryStore history;
  private final Supplier<? extends RuleLookup> rules;
  private final Clock clock;
  private final int historySize;
  private final JudgeMeters meters;
  private final EventEmitter emitter;
  private final SilenceChecks silence;
  private final AgentJudge agents;

  public Evaluator(HistoryStore history, Supplier<? extends RuleLookup> rules, EventSink sink, int historySize,
      Duration minInterval, Clock clock, MeterRegistry registry) {
    this(history, rules, sink, StateStore.MEMORY, historySize, minInterval, clock, registry);
  }

  public Evaluator(HistoryStore history, Supplier<? extends RuleLookup> rules, EventSink sink, StateStore store,
      int historySize, Duration minInterval, Clock clock, MeterRegistry registry) {
    this.history = history;
    this.rules = rules;
    this.historySize = historySize;
    this.clock = clock;
    this.meters = new JudgeMeters(registry);
    this.emitter = new EventEmitter(sink, store, minInterval.toSeconds(), meters);
    this.silence = new SilenceChecks(history, rules, emitter, meters, clock,
        s -> judge(scratch.get().mockView.wrap(s), false), registry);
    this.agents = new AgentJudge(emitter, clock);
  }

  /** Per judging thread: the judged points, the function outcome and views, reused for every sample. */
  private final class Scratch {
    final double[] values = new double[historySize];
    final long[] times = new long[historySize];
    final JudgeFunction.Outcome outcome = new JudgeFunction.Outcome();
    final SampleView view = new SampleView();
    final SampleView mockView = new SampleView();
    /** For the paths that judge one sample at a time (counted at once). */
    final SampleTally tally = new SampleTally();
  }

  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  /** Judges a validated sample object (canonical tags, positive timestamp): tests, rule tests, the slow path. */
  public void judge(Sample s) {
    judge(scratch.get().view.wrap(s), true);
  }

  /** Judges a validated sample (canonical tags, positive timestamp, {@link SampleView#hash()} set). */
  public void judge(SampleView v) {
    judge(v, true);
  }

  /**
   * Starts the memory loads of the viewed samples' series (table slot, state, key, newest point) for all of
   * {@code views[0, n)} before any is judged ({@link HistoryStore#prefetch}); those with {@code valid[i]} false
   * are skipped. Changes nothing: the batch reader calls it for a window of samples, then judges them in order.
   */
  public void prefetch(SampleView[] views, boolean[] valid, int n) {
    history.prefetch(views, valid, n);
  }

  /**
   * Judges a validated sample as {@link #judge(SampleView)}, counting into {@code tally} instead of the shared
   * counters; {@link #count} adds the tally to them (the batch reader does once per batch).
   *
   * @param nowMillis the judge clock at the batch's receipt
   */
  public void judge(SampleView v, SampleTally tally, long nowMillis) {
    judge(v, true, tally, nowMillis);
  }

  /** Adds a batch's tally to the counters and clears it. */
  public void count(SampleTally tally) {
    if (tally.judged > 0) {
      meters.judged.increment(tally.judged);
    }
    if (tally.unwatched > 0) {
      meters.unwatched.increment(tally.unwatched);
    }
    if (tally.notNewer > 0) {
      meters.notNewer.increment(tally.notNewer);
    }
    if (tally.stateUnavailable > 0) {
      meters.stateUnavailable.increment(tally.stateUnavailable);
    }
    tally.clear();
  }

  /**
   * @param real false for an injected mock value: nodata rules ignore it and it does not end the silence
   */
  private void judge(SampleView v, boolean real) {
    SampleTally tally = scratch.get().tally;
    judge(v, real, tally, clock.millis());
    count(tally);
  }

  private void judge(SampleView v, boolean real, SampleTally tally, long nowMillis) {
    RuleLookup lookup = rules.get();
    SeriesState state = history.get(v);
    if (state == null) {
      state = history.getOrCreate(v, RuleMatcher.match(lookup, v.endpoint(), v.metric(), v.tags()), lookup);
    } else if (state.rulesSource == lookup && state.rules.length == 0) {
      state.touch(nowMillis); // known unwatched: no lock, no history
      tally.unwatched++;
      return;
    }
    Scratch sc = scratch.get();
    synchronized (state) {
      if (state.rulesSource != lookup) {
        state.matched(RuleMatcher.match(lookup, v.endpoint(), v.metric(), v.tags()), lookup);
      }
      Rule[] matched = state.rules;
      if (matched.length == 0) {
        state.touch(nowMillis);
        tally.unwatched++; // kept as known unwatched until the strategy set changes or the sweep
        return;
      }
      if (!state.add(v.timestamp, v.value, v.counterType(), nowMillis, real)) {
        tally.notNewer++;
        return;
      }
      if (!state.restored() && !emitter.restore(state)) {
        tally.stateUnavailable++;
        return;
      }
      tally.judged++;
      if (real && lookup.hasMocks() && state.mockSource != lookup) {
        silence.watchMock(state, lookup, nowMillis);
      }
      double[] values = sc.values;
      long[] times = sc.times;
      JudgeFunction.Outcome out = sc.outcome;
      int count = state.judgedPoints(values, times, state.pointsNeeded);
      for (Rule rule : matched) {
        JudgeFunction f = rule.function();
        if (f.kind() == JudgeFunction.Kind.NODATA) {
          if (!real) {
            continue; // a mock value is silence, not the series speaking again
          }
          silence.armNodata(state, rule, v.step, nowMillis);
        }
        if (!rule.window().isActive(clock)) {
          continue;
        }
        if (f.evaluate(values, count, rule.operator(), rule.rightValue(), out)) {
          emitter.judged(rule, state, out, values, times, v.timestamp, nowMillis);
        }
      }
    }
  }

  /**
   * Runs the silence checks that are due: a nodata rule whose series stayed silent past its threshold raises a
   * PROBLEM (repeated each threshold, at least minInterval apart, up to maxStep), a mocked series silent for its
   * timeout gets the mock value injected (every step while the silence lasts). Called every second by the judge.
   *
   * @return how many checks ran
   */
  public int checkSilence() {
    return silence.run();
  }

  /** Deadlines queued (one per nodata rule and series, one per mocked series). */
  public int pendingSilenceChecks() {
    return silence.pending();
  }

  /** Open-Falcon's nodata timeout: three steps, at least three minutes. */
  static long mockTimeoutSeconds(io.peregrine.proto.v1.MockConfig mock) {
    return SilenceChecks.mockTimeoutSeconds(mock);
  }

  /**
   * Raises or clears the agent-lost event of one host: PROBLEM while hbs has not heard from it (repeated as any
   * PROBLEM, up to the rule's maxStep), OK once it heartbeats again.
   *
   * @param rule the host's strategy on {@code agent.alive} (priority, maxStep, note and action)
   * @param silentSeconds seconds since the last heartbeat (the leftValue)
   */
  public void judgeAgent(String hostname, boolean lost, long silentSeconds, Rule rule) {
    agents.judge(hostname, lost, silentSeconds, rule);
  }
}
