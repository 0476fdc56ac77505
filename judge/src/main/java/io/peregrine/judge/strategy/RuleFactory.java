package io.peregrine.judge.strategy;

import io.peregrine.common.event.AlertQueues;
import io.peregrine.common.event.EventExpression;
import io.peregrine.common.event.EventStrategy;
import io.peregrine.common.event.EventTemplate;
import io.peregrine.common.model.Tags;
import io.peregrine.judge.eval.JudgeFunction;
import io.peregrine.judge.eval.Operator;
import io.peregrine.judge.eval.Rule;
import io.peregrine.judge.eval.RunWindow;
import io.peregrine.proto.v1.Expression;
import io.peregrine.proto.v1.Strategy;
import java.util.Map;
import java.util.function.Consumer;

/** Turns hbs's strategies and expressions into {@link Rule}s, refusing what cannot be judged with a reason. */
final class RuleFactory {
  private final int historySize;

  RuleFactory(int historySize) {
    this.historySize = historySize;
  }

  /**
   * @param warn told about corrections (a priority outside 0..6 goes to the nearest queue)
   * @throws IllegalArgumentException naming the field and value that make it unusable
   */
  Rule strategy(Strategy s, Consumer<String> warn) {
    String metric = metric(s.getMetric());
    Map<String, String> tags = Tags.toMap(s.getTags());
    JudgeFunction function = function(s.getFunc());
    Operator op = operator(function, s.getOperator());
    RunWindow window = RunWindow.parse(s.getRunBegin(), s.getRunEnd());
    int maxStep = maxStep(s.getMaxStep());
    int priority = priority(s.getPriority(), warn);
    EventStrategy event = new EventStrategy(s.getId(), metric, tags, function.text(), s.getOperator().trim(),
        s.getRightValue(), maxStep, priority, s.getNote(),
        new EventTemplate(s.getTemplateId(), "", 0, s.getActionId(), ""));
    return new Rule(Rule.Kind.STRATEGY, s.getId(), metric, tags, function, op, s.getRightValue(), maxStep, priority,
        window, event, null);
  }

  Rule expression(Expression e, Consumer<String> warn) {
    ExpressionSelector selector = ExpressionSelector.parse(e.getExpression());
    JudgeFunction function = function(e.getFunc());
    Operator op = operator(function, e.getOperator());
    int maxStep = maxStep(e.getMaxStep());
    int priority = priority(e.getPriority(), warn);
    EventExpression event = new EventExpression(e.getId(), selector.metric(), selector.tags(), function.text(),
        e.getOperator().trim(), e.getRightValue(), maxStep, priority, e.getNote(), e.getActionId());
    return new Rule(Rule.Kind.EXPRESSION, e.getId(), selector.metric(), selector.tags(), function, op,
        e.getRightValue(), maxStep, priority, RunWindow.ALWAYS, null, event);
  }

  private static String metric(String metric) {
    if (metric.isBlank()) {
      throw new IllegalArgumentException("metric is empty");
    }
    return metric.trim();
  }

  private JudgeFunction function(String text) {
    JudgeFunction f = JudgeFunction.parse(text);
    if (f.pointsNeeded() > historySize) {
      throw new IllegalArgumentException("func '" + text + "' needs " + f.pointsNeeded()
          + " points but judge.historySize keeps " + historySize + ": it could never be judged");
    }
    return f;
  }

  private static Operator operator(JudgeFunction f, String text) {
    Operator op = Operator.parse(text);
    if (op == null && f.kind() != JudgeFunction.Kind.STDDEV && f.kind() != JudgeFunction.Kind.NODATA) {
      throw new IllegalArgumentException("operator '" + text + "' is not one of == = != < <= > >=");
    }
    return op;
  }

  private static int maxStep(int maxStep) {
    if (maxStep < 0) {
      throw new IllegalArgumentException("max_step " + maxStep + " is negative");
    }
    return maxStep;
  }

  private static int priority(int priority, Consumer<String> warn) {
    int clamped = AlertQueues.clamp(priority);
    if (clamped != priority) {
      warn.accept("priority " + priority + " is outside 0..6; events go to event:p" + clamped);
    }
    return clamped;
  }
}
