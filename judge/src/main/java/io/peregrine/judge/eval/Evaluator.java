package io.peregrine.judge.eval;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertQueues;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.model.Tags;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.judge.state.StateStore;
import io.peregrine.judge.state.StateUnavailableException;
import io.peregrine.common.model.CounterTypes;
import io.peregrine.proto.v1.MockConfig;
import io.peregrine.proto.v1.Sample;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges one sample: finds the rules that apply (strategies by endpoint/metric, expressions by metric, both filtered
 * by tags), adds the point to the series' history, runs each rule's function and turns the outcome into events by
 * Open-Falcon's dedup rules. Thread-safe; samples of one series are judged one at a time.
 *
 * <p>The last events of a series are read back from the {@link StateStore} on its first sample after start. While
 * the store cannot be read (Redis down), the series' samples join its history but are not judged, so a restarted
 * judge never re-raises a PROBLEM it cannot see; the next sample tries again. Events cannot be published while
 * Redis is down anyway.
 */
public final class Evaluator {
  private static final Logger log = LoggerFactory.getLogger(Evaluator.class);
  private final HistoryStore history;
  private final Supplier<? extends RuleLookup> rules;
  private final EventSink sink;
  private final long minIntervalSeconds;
  private final Clock clock;
  private final int historySize;
  private final Counter judged;
  private final Counter notNewer;
  private final Counter unwatched;
  private final Counter stateUnavailable;
  private final Counter stateRestored;
  private final StateStore store;
  private final Counter nodataRaised;
  private final Counter mocksInjected;
  private final Deadlines deadlines = new Deadlines();
  /** Agent-lost state per host (the pseudo series host/agent.alive/source=hbs). */
  private final java.util.concurrent.ConcurrentHashMap<String, SeriesState> agentStates =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** Bounds one run of the silence checker; what remains is due already and runs on the next tick. */
  static final int MAX_CHECKS_PER_RUN = 200_000;
  private final ThrottledLog stateLog = new ThrottledLog(log, Duration.ofSeconds(30));
  /** [status: 0 PROBLEM, 1 OK][priority 0..6] */
  private final Counter[][] events = new Counter[2][AlertQueues.MAX_PRIORITY + 1];

  public Evaluator(HistoryStore history, Supplier<? extends RuleLookup> rules, EventSink sink, int historySize,
      Duration minInterval, Clock clock, MeterRegistry registry) {
    this(history, rules, sink, StateStore.MEMORY, historySize, minInterval, clock, registry);
  }

  public Evaluator(HistoryStore history, Supplier<? extends RuleLookup> rules, EventSink sink, StateStore store,
      int historySize, Duration minInterval, Clock clock, MeterRegistry registry) {
    this.history = history;
    this.store = store;
    this.rules = rules;
    this.sink = sink;
    this.historySize = historySize;
    this.minIntervalSeconds = minInterval.toSeconds();
    this.clock = clock;
    this.judged = Counter.builder("judge.samples.judged")
        .description("samples added to a watched series' history and judged").register(registry);
    this.notNewer = Counter.builder("judge.samples.dropped").tag("reason", "not_newer")
        .description("samples not judged, by reason").register(registry);
    this.unwatched = Counter.builder("judge.samples.unwatched")
        .description("samples of series no strategy or expression applies to (not kept)").register(registry);
    this.stateUnavailable = Counter.builder("judge.samples.dropped").tag("reason", "state_unavailable")
        .description("samples not judged, by reason").register(registry);
    this.stateRestored = Counter.builder("judge.state.restored")
        .description("series whose last events were read back from the state store after start").register(registry);
    this.nodataRaised = Counter.builder("judge.nodata.raised")
        .description("nodata PROBLEM events raised because a series stayed silent").register(registry);
    this.mocksInjected = Counter.builder("judge.nodata.mocks.injected")
        .description("mock values injected for silent series (Open-Falcon's mockcfg)").register(registry);
    io.micrometer.core.instrument.Gauge.builder("judge.nodata.deadlines", deadlines, Deadlines::size)
        .description("silence checks queued (one per nodata rule and series, one per mocked series)")
        .register(registry);
    for (int p = 0; p <= AlertQueues.MAX_PRIORITY; p++) {
      events[0][p] = eventCounter(registry, AlertEvent.PROBLEM, p);
      events[1][p] = eventCounter(registry, AlertEvent.OK, p);
    }
  }

  private static Counter eventCounter(MeterRegistry registry, String status, int priority) {
    return Counter.builder("judge.events.emitted").tag("status", status).tag("priority", "p" + priority)
        .description("events handed to the publisher").register(registry);
  }

  /** Judges a validated sample (canonical tags, positive timestamp). */
  public void judge(Sample s) {
    judge(s, true);
  }

  /** Per judging thread: the lookup probe, the judged points and the function outcome, reused for every sample. */
  private final class Scratch {
    final SeriesIdentity.Probe probe = new SeriesIdentity.Probe();
    final double[] values = new double[historySize];
    final long[] times = new long[historySize];
    final JudgeFunction.Outcome outcome = new JudgeFunction.Outcome();
  }

  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  /**
   * @param real false for an injected mock value: nodata rules ignore it and it does not end the silence
   */
  private void judge(Sample s, boolean real) {
    // the hot path: no key string, no maps, no arrays; the rules are matched once per series and strategy set
    Scratch sc = scratch.get();
    sc.probe.identify(s.getEndpoint(), s.getMetric(), s.getTags());
    RuleLookup lookup = rules.get();
    SeriesState state = history.get(sc.probe);
    if (state == null) {
      Rule[] matched = matchingRules(lookup, s);
      if (matched.length == 0) {
        unwatched.increment();
        return;
      }
      state = history.getOrCreate(s.getEndpoint(), s.getMetric(), s.getTags());
    }
    long nowMillis = clock.millis();
    synchronized (state.lock) {
      if (state.rulesSource != lookup) {
        state.rules = matchingRules(lookup, s);
        state.rulesSource = lookup;
        int need = 1;
        for (Rule r : state.rules) {
          need = Math.max(need, r.function().pointsNeeded());
        }
        state.pointsNeeded = need;
      }
      Rule[] matched = state.rules;
      if (matched.length == 0) {
        unwatched.increment(); // the strategy set changed and nothing applies any more; the sweep forgets it
        return;
      }
      if (!state.add(s.getTimestamp(), s.getValue(), s.getCounterType(), nowMillis, real)) {
        notNewer.increment();
        return;
      }
      if (!state.restored() && !restore(state)) {
        stateUnavailable.increment();
        return;
      }
      judged.increment();
      if (real && lookup.hasMocks() && state.mockSource != lookup) {
        watchMock(state, lookup, s, nowMillis);
      }
      double[] values = sc.values;
      long[] times = sc.times;
      JudgeFunction.Outcome out = sc.outcome;
      int count = state.judgedPoints(values, times, state.pointsNeeded);
      for (Rule rule : matched) {
        if (rule.function().kind() == JudgeFunction.Kind.NODATA) {
          if (!real) {
            continue; // a mock value is silence, not the series speaking again
          }
          armNodata(state, rule, s, nowMillis);
        }
        if (!rule.window().isActive(clock)) {
          continue;
        }
        if (!rule.function().evaluate(values, count, rule.operator(), rule.rightValue(), out)) {
          continue;
        }
        String ruleKey = rule.key();
        Dedup.Decision d = Dedup.decide(state.lastEvent(ruleKey), out.fired, rule.maxStep(), times[out.used - 1],
            nowMillis / 1000, minIntervalSeconds);
        if (d == null) {
          continue;
        }
        AlertEvent event = event(rule, state, s, d, out, values, Tags.toMap(s.getTags()));
        if (sink.offer(event)) {
          state.remember(ruleKey, new LastEvent(d.problem(), d.currentStep(), s.getTimestamp()));
          events[d.problem() ? 0 : 1][rule.priority()].increment();
        }
      }
    }
  }

  /** Queues the first silence check of a nodata rule on a series; later checks queue themselves. */
  private void armNodata(SeriesState state, Rule rule, Sample s, long nowMillis) {
    SeriesState.Watched w = state.watch(s.getEndpoint(), s.getMetric(), s.getTags());
    w.step = s.getStep();
    String key = rule.key();
    if (w.armedRules.add(key)) {
      deadlines.add(new Deadlines.Entry(nowMillis + rule.function().nodataSeconds(w.step) * 1000, state, key));
    }
  }

  private void watchMock(SeriesState state, RuleLookup lookup, Sample s, long nowMillis) {
    state.mockSource = lookup;
    MockConfig mock = lookup.mock(state.key());
    SeriesState.Watched w = mock == null ? state.watched() : state.watch(s.getEndpoint(), s.getMetric(), s.getTags());
    if (w == null) {
      return;
    }
    w.mock = mock;
    if (mock != null && !w.mockArmed) {
      w.mockArmed = true;
      deadlines.add(new Deadlines.Entry(nowMillis + mockTimeoutSeconds(mock) * 1000, state, null));
    }
  }

  private static io.peregrine.proto.v1.CounterType mockType(MockConfig mock, io.peregrine.proto.v1.CounterType seen) {
    io.peregrine.proto.v1.CounterType t = CounterTypes.parse(mock.getCounterType());
    return t == io.peregrine.proto.v1.CounterType.COUNTER_TYPE_UNSPECIFIED ? seen : t;
  }

  /** Open-Falcon's nodata timeout: three steps, at least three minutes. */
  static long mockTimeoutSeconds(MockConfig mock) {
    return Math.max(3L * mockStep(mock), 180);
  }

  private static int mockStep(MockConfig mock) {
    return mock.getStep() > 0 ? mock.getStep() : 60;
  }

  /**
   * Runs the silence checks that are due: a nodata rule whose series stayed silent past its threshold raises a
   * PROBLEM (repeated each threshold, at least minInterval apart, up to maxStep), a mocked series silent for its
   * timeout gets the mock value injected (every step while the silence lasts). Called every second by the judge.
   *
   * @return how many checks ran
   */
  public int checkSilence() {
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

  /** Deadlines queued (one per nodata rule and series, one per mocked series). */
  public int pendingSilenceChecks() {
    return deadlines.size();
  }

  private void nodataDue(SeriesState state, String ruleKey, long now) {
    SeriesState.Watched w;
    synchronized (state.lock) {
      w = state.watched();
    }
    Rule rule = currentRule(w, ruleKey);
    synchronized (state.lock) {
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
      deadlines.add(new Deadlines.Entry(now + Math.max(threshold, minIntervalSeconds * 1000), state, ruleKey));
      if (!rule.window().isActive(clock)) {
        return;
      }
      long nowSeconds = now / 1000;
      Dedup.Decision d = Dedup.decide(state.lastEvent(ruleKey), true, rule.maxStep(), nowSeconds, nowSeconds,
          minIntervalSeconds);
      if (d == null) {
        return;
      }
      double silentSeconds = (now - state.lastReceiptMillis()) / 1000.0;
      String id = ruleKey + "_" + state.md5();
      AlertEvent event = new AlertEvent(id, rule.eventStrategy(), rule.eventExpression(), d.status(), w.endpoint,
          silentSeconds, d.currentStep(), nowSeconds, Tags.toMap(w.tags), rule.priority(), w.metric,
          AlertEvent.keyOf(id, d.status(), nowSeconds, d.currentStep()), List.of());
      if (sink.offer(event)) {
        state.remember(ruleKey, new LastEvent(true, d.currentStep(), nowSeconds));
        events[0][rule.priority()].increment();
        nodataRaised.increment();
      }
    }
  }

  /** The rule of this key that applies to the series in the current strategy set, or null. */
  private Rule currentRule(SeriesState.Watched w, String ruleKey) {
    RuleLookup lookup = rules.get();
    Map<String, String> tags = w.tags.isEmpty() ? Map.of() : Tags.parse(w.tags);
    for (List<Rule> list : List.of(lookup.strategies(w.endpoint, w.metric), lookup.expressions(w.metric))) {
      for (Rule r : list) {
        if (r.function().kind() == JudgeFunction.Kind.NODATA && r.key().equals(ruleKey)
            && r.matches(w.endpoint, tags)) {
          return r;
        }
      }
    }
    return null;
  }

  private void mockDue(SeriesState state, long now) {
    Sample mockSample;
    synchronized (state.lock) {
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
    mocksInjected.increment();
    judge(mockSample, false);
  }

  /** The metric agent-lost events carry; a host's strategy on it says who is told. */
  public static final String AGENT_METRIC = "agent.alive";
  /** Tags of the agent-lost pseudo series: its event id differs from the id of the agent.alive samples' series. */
  public static final String AGENT_TAGS = "source=hbs";

  /**
   * Raises or clears the agent-lost event of one host: PROBLEM while hbs has not heard from it (repeated as any
   * PROBLEM, up to the rule's maxStep), OK once it heartbeats again. The state is that of the series
   * {@code <host>/agent.alive/source=hbs}, stored like any other, so a restart or a second judge does not raise it
   * twice.
   *
   * @param rule the host's strategy on {@code agent.alive} (priority, maxStep, note and action)
   * @param silentSeconds seconds since the last heartbeat (the leftValue)
   */
  public void judgeAgent(String hostname, boolean lost, long silentSeconds, Rule rule) {
    SeriesState state = agentStates.computeIfAbsent(hostname,
        h -> new SeriesState(h, AGENT_METRIC, AGENT_TAGS, 1));
    long nowSeconds = clock.millis() / 1000;
    synchronized (state.lock) {
      if (!state.restored() && !restore(state)) {
        return;
      }
      if (!rule.window().isActive(clock)) {
        return;
      }
      String ruleKey = rule.key();
      Dedup.Decision d = Dedup.decide(state.lastEvent(ruleKey), lost, rule.maxStep(), nowSeconds, nowSeconds,
          minIntervalSeconds);
      if (d == null) {
        return;
      }
      String id = ruleKey + "_" + state.md5();
      AlertEvent event = new AlertEvent(id, rule.eventStrategy(), rule.eventExpression(), d.status(), hostname,
          silentSeconds, d.currentStep(), nowSeconds, Map.of("source", "hbs"), rule.priority(), AGENT_METRIC,
          AlertEvent.keyOf(id, d.status(), nowSeconds, d.currentStep()), List.of());
      if (sink.offer(event)) {
        state.remember(ruleKey, new LastEvent(d.problem(), d.currentStep(), nowSeconds));
        events[d.problem() ? 0 : 1][rule.priority()].increment();
      }
    }
  }

  /** Reads the series' last events back; false when the store cannot answer now. */
  private boolean restore(SeriesState state) {
    try {
      Map<String, LastEvent> stored = store.load(state.md5());
      state.restore(stored);
      if (!stored.isEmpty()) {
        stateRestored.increment();
      }
      return true;
    } catch (StateUnavailableException e) {
      stateLog.error("judge: {}; samples of series without their state are kept but not judged until it answers",
          e.getMessage());
      return false;
    }
  }

  private static final Rule[] NO_RULES = new Rule[0];

  /** The rules that apply to the sample's series: run once per series and strategy set, not per sample. */
  private static Rule[] matchingRules(RuleLookup lookup, Sample s) {
    List<Rule> strategies = lookup.strategies(s.getEndpoint(), s.getMetric());
    List<Rule> expressions = lookup.expressions(s.getMetric());
    if (strategies.isEmpty() && expressions.isEmpty()) {
      return NO_RULES;
    }
    Map<String, String> tags = s.getTags().isEmpty() ? Map.of() : Tags.parse(s.getTags());
    List<Rule> matched = new ArrayList<>(strategies.size() + expressions.size());
    for (Rule r : strategies) {
      if (r.matches(s.getEndpoint(), tags)) {
        matched.add(r);
      }
    }
    for (Rule r : expressions) {
      if (r.matches(s.getEndpoint(), tags)) {
        matched.add(r);
      }
    }
    return matched.isEmpty() ? NO_RULES : matched.toArray(NO_RULES);
  }

  private static AlertEvent event(Rule rule, SeriesState state, Sample s, Dedup.Decision d,
      JudgeFunction.Outcome r, double[] values, Map<String, String> pushedTags) {
    String id = rule.key() + "_" + state.md5();
    List<Double> judgedValues = new ArrayList<>(r.used);
    for (int i = 0; i < r.used; i++) {
      judgedValues.add(values[i]);
    }
    return new AlertEvent(id, rule.eventStrategy(), rule.eventExpression(), d.status(), s.getEndpoint(),
        r.leftValue, d.currentStep(), s.getTimestamp(), pushedTags, rule.priority(), s.getMetric(),
        AlertEvent.keyOf(id, d.status(), s.getTimestamp(), d.currentStep()), judgedValues);
  }
}
