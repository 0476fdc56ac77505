package io.peregrine.judge.expr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peregrine.common.event.AlertQueues;
import io.peregrine.common.event.EventExpression;
import io.peregrine.proto.v1.Expression;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The multi-metric expressions in use, indexed by the metrics they read: the configured ones and hbs's
 * {@code calc(...)} expression rows. Immutable; rebuilt when hbs's set changes. A rule that cannot be judged is left
 * out with its reason.
 */
final class ExprRuleSet {
  static final ExprRuleSet EMPTY = new ExprRuleSet(List.of(), Map.of(), List.of(), List.of());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One reference of one rule, found by the metric of a sample. */
  record Binding(ExprRule rule, int slot, Reference ref) {}

  /** A rule left out (skipped) or used with a correction (warning). */
  record Problem(String origin, long id, String rule, String reason) {}

  private final List<ExprRule> rules;
  private final Map<String, List<Binding>> byMetric;
  private final List<Problem> skipped;
  private final List<Problem> warnings;
  private final Set<String> keys;
  private final MetricNames readMetrics;

  private ExprRuleSet(List<ExprRule> rules, Map<String, List<Binding>> byMetric, List<Problem> skipped,
      List<Problem> warnings) {
    this.rules = rules;
    this.byMetric = byMetric;
    this.skipped = skipped;
    this.warnings = warnings;
    Set<String> k = new HashSet<>();
    rules.forEach(r -> k.add(r.key()));
    this.keys = Set.copyOf(k);
    this.readMetrics = new MetricNames(byMetric.keySet());
  }

  /**
   * @param hbs hbs's unpaused {@code calc(...)} expression rows
   * @param configured the rules of judge config (or of a rule test file)
   */
  static ExprRuleSet build(List<Expression> hbs, List<ExprRuleDef> configured, int historySize) {
    List<ExprRule> rules = new ArrayList<>();
    List<Problem> skipped = new ArrayList<>();
    List<Problem> warnings = new ArrayList<>();
    Set<Long> ids = new HashSet<>();
    for (ExprRuleDef d : configured) {
      if (d.paused()) {
        continue;
      }
      try {
        if (!ids.add(d.id())) {
          throw new IllegalArgumentException("id " + d.id() + " is used twice");
        }
        rules.add(fromConfig(d, historySize, w -> warnings.add(new Problem("config", d.id(), d.rule(), w))));
      } catch (IllegalArgumentException e) {
        skipped.add(new Problem("config", d.id(), d.rule(), e.getMessage()));
      }
    }
    for (Expression e : hbs) {
      String text = e.getExpression() + " " + e.getFunc() + " " + e.getOperator() + " " + e.getRightValue();
      try {
        if (!ids.add(e.getId())) {
          throw new IllegalArgumentException("id " + e.getId() + " is also a judge.multiMetric rule's, which wins");
        }
        rules.add(fromHbs(e, historySize, w -> warnings.add(new Problem("hbs", e.getId(), text, w))));
      } catch (IllegalArgumentException ex) {
        skipped.add(new Problem("hbs", e.getId(), text, ex.getMessage()));
      }
    }
    Map<String, List<Binding>> byMetric = new HashMap<>();
    for (ExprRule r : rules) {
      List<Reference> refs = r.parsed().references();
      for (int slot = 0; slot < refs.size(); slot++) {
        Reference ref = refs.get(slot);
        byMetric.computeIfAbsent(ref.metric(), m -> new ArrayList<>()).add(new Binding(r, slot, ref));
      }
    }
    Map<String, List<Binding>> frozen = new HashMap<>();
    byMetric.forEach((m, l) -> frozen.put(m, List.copyOf(l)));
    return new ExprRuleSet(List.copyOf(rules), Map.copyOf(frozen), List.copyOf(skipped), List.copyOf(warnings));
  }

  /**
   * Checks configured rules as judge config loads them.
   *
   * @throws IllegalArgumentException naming the rule and what is wrong
   */
  static void check(List<ExprRuleDef> configured, int historySize) {
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < configured.size(); i++) {
      ExprRuleDef d = configured.get(i);
      String where = "judge.multiMetric[" + i + "] (id " + d.id() + ")";
      if (!ids.add(d.id())) {
        throw new IllegalArgumentException(where + ": id " + d.id() + " is used twice");
      }
      try {
        fromConfig(d, historySize, w -> {
          throw new IllegalArgumentException(w);
        });
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + " rule '" + d.rule() + "': " + e.getMessage(), e);
      }
    }
  }

  static ExprRule fromConfig(ExprRuleDef d, int historySize, java.util.function.Consumer<String> warn) {
    ExprParser.Parsed p = ExprParser.parseRule(d.rule());
    int maxStep = d.maxStep() == null ? ExprRuleDef.DEFAULT_MAX_STEP : d.maxStep();
    int priority = priority(d.priority() == null ? ExprRuleDef.DEFAULT_PRIORITY : d.priority(), warn);
    int stale = d.staleSteps() == null ? ExprRuleDef.DEFAULT_STALE_STEPS : d.staleSteps();
    if (stale < 1 || stale > ExprRuleDef.MAX_STALE_STEPS) {
      throw new IllegalArgumentException("staleSteps " + stale + " is outside 1.." + ExprRuleDef.MAX_STALE_STEPS);
    }
    return rule(d.id(), p, maxStep, priority, stale, d.note(), d.action(), "config", d.rule(), historySize);
  }

  static ExprRule fromHbs(Expression e, int historySize, java.util.function.Consumer<String> warn) {
    ExprParser.Parsed p = ExprParser.parseCalc(e.getExpression(), e.getFunc(), e.getOperator(), e.getRightValue());
    return rule(e.getId(), p, e.getMaxStep(), priority(e.getPriority(), warn), ExprRuleDef.DEFAULT_STALE_STEPS,
        e.getNote(), e.getActionId(), "hbs", e.getExpression(), historySize);
  }

  private static ExprRule rule(long id, ExprParser.Parsed p, int maxStep, int priority, int stale, String note,
      long actionId, String origin, String text, int historySize) {
    if (p.function().pointsNeeded() > historySize) {
      throw new IllegalArgumentException("func '" + p.function().text() + "' needs " + p.function().pointsNeeded()
          + " points but judge.historySize keeps " + historySize + ": it could never be judged");
    }
    if (maxStep < 0) {
      throw new IllegalArgumentException("maxStep " + maxStep + " is negative");
    }
    EventExpression event = new EventExpression(id, p.valueText(), Map.of(), p.function().text(),
        p.op() == null ? "" : p.op().symbol(), p.right(), maxStep, priority, note == null ? "" : note, actionId);
    return new ExprRule(id, ExprRule.keyOf(id), p, maxStep, priority, stale, event, origin, text);
  }

  private static int priority(int priority, java.util.function.Consumer<String> warn) {
    int clamped = AlertQueues.clamp(priority);
    if (clamped != priority) {
      warn.accept("priority " + priority + " is outside 0..6; events go to event:p" + clamped);
    }
    return clamped;
  }

  /** True when some reference reads the metric in {@code b[off, off + len)} (UTF-8). */
  boolean readsMetric(byte[] b, int off, int len) {
    return readMetrics.contains(b, off, len);
  }

  /** The references that read this metric, or null. */
  List<Binding> bindings(String metric) {
    return byMetric.get(metric);
  }

  boolean isEmpty() {
    return rules.isEmpty();
  }

  boolean contains(String ruleKey) {
    return keys.contains(ruleKey);
  }

  List<ExprRule> rules() {
    return rules;
  }

  List<Problem> skipped() {
    return skipped;
  }

  List<Problem> warnings() {
    return warnings;
  }

  /** For {@code /api/v1/strategies}: the rules in use and the ones left out, with reasons. */
  ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("rules");
    for (ExprRule r : rules) {
      ObjectNode n = list.addObject();
      n.put("id", r.id()).put("key", r.key()).put("origin", r.origin()).put("rule", r.text())
          .put("func", r.parsed().function().text()).put("value", r.parsed().valueText())
          .put("operator", r.event().operator()).put("rightValue", r.parsed().right())
          .put("maxStep", r.maxStep()).put("priority", r.priority()).put("staleSteps", r.staleSteps());
      ArrayNode refs = n.putArray("references");
      r.parsed().references().forEach(ref -> refs.add(JSON.valueToTree(ref)));
    }
    root.set("skipped", JSON.valueToTree(skipped));
    root.set("warnings", JSON.valueToTree(warnings));
    return root;
  }
}
