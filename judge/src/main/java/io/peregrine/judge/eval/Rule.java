package io.peregrine.judge.eval;

import io.peregrine.common.event.EventExpression;
import io.peregrine.common.event.EventStrategy;
import java.util.Map;

/**
 * One parsed strategy or expression, ready to judge. Immutable and shared: a strategy that hbs sends for a thousand
 * hosts is one object, and its event objects are built once here, not per event.
 *
 * @param kind strategy (bound to hosts) or expression (a tag selector)
 * @param id the strategy's or expression's id
 * @param metric the metric it applies to
 * @param tags tags that must all be on the sample with the same value; for expressions the key {@code endpoint}
 *     matches the sample's endpoint
 * @param function the parsed function
 * @param operator the comparison; null only for stddev, which ignores it
 * @param rightValue the threshold (stddev's k)
 * @param maxStep most PROBLEM events in a row per event id (0 = never send)
 * @param priority 0 (most urgent) .. 6, already clamped
 * @param window minutes of the day when it is judged
 * @param eventStrategy the strategy object put in events (null for an expression)
 * @param eventExpression the expression object put in events (null for a strategy)
 * @param key {@code s_<id>} or {@code e_<id>}, built once (the hot path reads it for every rule and sample)
 */
public record Rule(
    Kind kind,
    long id,
    String metric,
    Map<String, String> tags,
    JudgeFunction function,
    Operator operator,
    double rightValue,
    int maxStep,
    int priority,
    RunWindow window,
    EventStrategy eventStrategy,
    EventExpression eventExpression,
    String key) {

  public enum Kind { STRATEGY, EXPRESSION }

  public Rule {
    tags = Map.copyOf(tags);
    key = (kind == Kind.STRATEGY ? "s_" : "e_") + id;
  }

  public Rule(Kind kind, long id, String metric, Map<String, String> tags, JudgeFunction function,
      Operator operator, double rightValue, int maxStep, int priority, RunWindow window,
      EventStrategy eventStrategy, EventExpression eventExpression) {
    this(kind, id, metric, tags, function, operator, rightValue, maxStep, priority, window, eventStrategy,
        eventExpression, null);
  }

  /** {@code s_<id>} or {@code e_<id>}: the event id without the series part; also the dedup key within a series. */
  @Override
  public String key() {
    return key;
  }

  /**
   * True when every tag of the rule is on the sample with the same value. For expressions, {@code endpoint} is the
   * sample's endpoint unless the sample carries a tag of that name (as Open-Falcon does).
   */
  public boolean matches(String endpoint, Map<String, String> sampleTags) {
    for (Map.Entry<String, String> t : tags.entrySet()) {
      String have = sampleTags.get(t.getKey());
      if (have == null && kind == Kind.EXPRESSION && "endpoint".equals(t.getKey())) {
        have = endpoint;
      }
      if (!t.getValue().equals(have)) {
        return false;
      }
    }
    return true;
  }
}
