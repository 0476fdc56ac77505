package io.peregrine.judge.eval;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.model.Tags;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.judge.state.StateStore;
import io.peregrine.judge.state.StateUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a rule's outcome on a series into an event by Open-Falcon's dedup rules, hands it to the sink and remembers
 * it as the series' last event of that rule; reads a series' last events back from the state store on its first
 * sample after start. Called with the series' monitor held.
 */
final class EventEmitter {
  private static final Logger log = LoggerFactory.getLogger(Evaluator.class);
  private final EventSink sink;
  private final StateStore store;
  private final long minIntervalSeconds;
  private final JudgeMeters meters;
  private final ThrottledLog stateLog = new ThrottledLog(log, Duration.ofSeconds(30));

  EventEmitter(EventSink sink, StateStore store, long minIntervalSeconds, JudgeMeters meters) {
    this.sink = sink;
    this.store = store;
    this.minIntervalSeconds = minIntervalSeconds;
    this.meters = meters;
  }

  long minIntervalSeconds() {
    return minIntervalSeconds;
  }

  /**
   * Dedups the outcome of {@code rule} on the series' newest sample and emits what it decides.
   *
   * @param values the judged points, newest first ({@code out.used} of them went into the outcome)
   * @param times their timestamps
   */
  void judged(Rule rule, SeriesState state, JudgeFunction.Outcome out, double[] values, long[] times,
      long sampleTimestamp, long nowMillis) {
    if (!out.fired && !state.anyProblem()) {
      return; // nothing to clear: Dedup would decide nothing, and the map of last events stays untouched
    }
    String ruleKey = rule.key();
    Dedup.Decision d = Dedup.decide(state.lastEvent(ruleKey), out.fired, rule.maxStep(), times[out.used - 1],
        nowMillis / 1000, minIntervalSeconds);
    if (d == null) {
      return;
    }
    String id = ruleKey + "_" + state.md5();
    List<Double> judgedValues = new ArrayList<>(out.used);
    for (int i = 0; i < out.used; i++) {
      judgedValues.add(values[i]);
    }
    AlertEvent event = new AlertEvent(id, rule.eventStrategy(), rule.eventExpression(), d.status(),
        state.endpoint(), out.leftValue, d.currentStep(), sampleTimestamp, Tags.toMap(state.tags()),
        rule.priority(), state.metric(), AlertEvent.keyOf(id, d.status(), sampleTimestamp, d.currentStep()),
        judgedValues);
    offer(state, rule, d, event, sampleTimestamp);
  }

  /**
   * A decision taken without a sample (silence, agent lost): dedup against the last event, then the event made by
   * {@code make} for the decision.
   *
   * @return true when an event was taken by the sink
   */
  boolean decided(SeriesState state, Rule rule, boolean fired, long nowSeconds, EventMaker make) {
    Dedup.Decision d = Dedup.decide(state.lastEvent(rule.key()), fired, rule.maxStep(), nowSeconds, nowSeconds,
        minIntervalSeconds);
    if (d == null) {
      return false;
    }
    String id = rule.key() + "_" + state.md5();
    return offer(state, rule, d, make.event(id, d), nowSeconds);
  }

  /** Builds the event of a decision ({@code id} is the event id). */
  @FunctionalInterface
  interface EventMaker {
    AlertEvent event(String id, Dedup.Decision d);
  }

  private boolean offer(SeriesState state, Rule rule, Dedup.Decision d, AlertEvent event, long eventTime) {
    if (!sink.offer(event)) {
      return false; // not remembered, so a lasting condition raises it again
    }
    state.remember(rule.key(), new LastEvent(d.problem(), d.currentStep(), eventTime));
    meters.event(d.problem(), rule.priority());
    return true;
  }

  /** Reads the series' last events back; false when the store cannot answer now. */
  boolean restore(SeriesState state) {
    try {
      Map<String, LastEvent> stored = store.load(state.md5());
      state.restore(stored);
      if (!stored.isEmpty()) {
        meters.stateRestored.increment();
      }
      return true;
    } catch (StateUnavailableException e) {
      stateLog.error("judge: {}; samples of series without their state are kept but not judged until it answers",
          e.getMessage());
      return false;
    }
  }
}
