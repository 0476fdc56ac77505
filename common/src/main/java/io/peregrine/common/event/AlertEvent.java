package io.peregrine.common.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * An alert event as it travels through Redis ({@code event:p0..p6}). The first nine fields are Open-Falcon's event,
 * named as it names them, so tools written for Open-Falcon's queues read it; the rest are Peregrine's own.
 *
 * @param id {@code s_<strategyId>_<md5 of series key>} or {@code e_<expressionId>_<md5>}
 * @param strategy the strategy that fired, or null for an expression
 * @param expression the expression that fired, or null for a strategy
 * @param status PROBLEM or OK
 * @param leftValue the judged value (see OPENFALCON.md for which value each function reports)
 * @param currentStep how many times in a row this problem was sent (1 for an OK)
 * @param eventTime unix seconds of the sample that was judged
 * @param pushedTags the sample's tags
 * @param priority 0 (most urgent) .. 6, the queue it went to
 * @param metric the sample's metric
 * @param eventKey unique per event occurrence ({@code id/status/eventTime/currentStep}): senders deliver each key once
 * @param values the values that were judged, newest first
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AlertEvent(
    String id,
    EventStrategy strategy,
    EventExpression expression,
    String status,
    String endpoint,
    double leftValue,
    int currentStep,
    long eventTime,
    Map<String, String> pushedTags,
    int priority,
    String metric,
    String eventKey,
    List<Double> values) {

  public static final String PROBLEM = "PROBLEM";
  public static final String OK = "OK";

  public static String keyOf(String id, String status, long eventTime, int currentStep) {
    return id + "/" + status + "/" + eventTime + "/" + currentStep;
  }

  @JsonIgnore // derived from status; as a JSON field it would add "problem" to Open-Falcon's event shape
  public boolean isProblem() {
    return PROBLEM.equals(status);
  }

  /** The action that says who is told: the strategy's template's, or the expression's. */
  public long actionId() {
    if (strategy != null && strategy.tpl() != null) {
      return strategy.tpl().actionId();
    }
    return expression != null ? expression.actionId() : 0;
  }

  public String func() {
    return strategy != null ? strategy.func() : expression != null ? expression.func() : "";
  }

  public String operator() {
    return strategy != null ? strategy.operator() : expression != null ? expression.operator() : "";
  }

  public double rightValue() {
    return strategy != null ? strategy.rightValue() : expression != null ? expression.rightValue() : 0;
  }

  public String note() {
    return strategy != null ? strategy.note() : expression != null ? expression.note() : "";
  }

  public int maxStep() {
    return strategy != null ? strategy.maxStep() : expression != null ? expression.maxStep() : 0;
  }
}
