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
    List<Rule> matched = matchingRules(s);
    if (matched.isEmpty()) {
      unwatched.increment();
      return;
    }
    SeriesState state = history.getOrCreate(SeriesKey.of(s), s.getTags().isEmpty());
    long nowMillis = clock.millis();
    synchronized (state.lock) {
      if (!state.add(s.getTimestamp(), s.getValue(), s.getCounterType(), nowMillis)) {
        notNewer.increment();
        return;
      }
      if (!state.restored() && !restore(state)) {
        stateUnavailable.increment();
        return;
      }
      judged.increment();
      double[] values = new double[historySize];
      long[] times = new long[historySize];
      int count = state.judgedPoints(values, times);
      Map<String, String> pushedTags = null;
      for (Rule rule : matched) {
        if (!rule.window().isActive(clock)) {
          continue;
        }
        FunctionResult r = rule.function().evaluate(values, count, rule.operator(), rule.rightValue());
        if (!r.enough()) {
          continue;
        }
        String ruleKey = rule.key();
        Dedup.Decision d = Dedup.decide(state.lastEvent(ruleKey), r.fired(), rule.maxStep(), times[r.used() - 1],
            nowMillis / 1000, minIntervalSeconds);
        if (d == null) {
          continue;
        }
        if (pushedTags == null) {
          pushedTags = Tags.toMap(s.getTags());
        }
        AlertEvent event = event(rule, state, s, d, r, values, pushedTags);
        if (sink.offer(event)) {
          state.remember(ruleKey, new LastEvent(d.problem(), d.currentStep(), s.getTimestamp()));
          events[d.problem() ? 0 : 1][rule.priority()].increment();
        }
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

  private List<Rule> matchingRules(Sample s) {
    RuleLookup lookup = rules.get();
    List<Rule> strategies = lookup.strategies(s.getEndpoint(), s.getMetric());
    List<Rule> expressions = lookup.expressions(s.getMetric());
    if (strategies.isEmpty() && expressions.isEmpty()) {
      return List.of();
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
    return matched;
  }

  private static AlertEvent event(Rule rule, SeriesState state, Sample s, Dedup.Decision d, FunctionResult r,
      double[] values, Map<String, String> pushedTags) {
    String id = rule.key() + "_" + state.md5();
    List<Double> judgedValues = new ArrayList<>(r.used());
    for (int i = 0; i < r.used(); i++) {
      judgedValues.add(values[i]);
    }
    return new AlertEvent(id, rule.eventStrategy(), rule.eventExpression(), d.status(), s.getEndpoint(),
        r.leftValue(), d.currentStep(), s.getTimestamp(), pushedTags, rule.priority(), s.getMetric(),
        AlertEvent.keyOf(id, d.status(), s.getTimestamp(), d.currentStep()), judgedValues);
  }
}
