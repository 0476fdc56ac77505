package io.peregrine.judge.strategy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peregrine.judge.eval.Evaluator;
import io.peregrine.judge.eval.JudgeFunction;
import io.peregrine.judge.eval.Rule;
import io.peregrine.judge.eval.RuleLookup;
import io.peregrine.judge.expr.ExprParser;
import io.peregrine.proto.v1.Expression;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.model.Tags;
import io.peregrine.proto.v1.HostStrategies;
import io.peregrine.proto.v1.MockConfig;
import io.peregrine.proto.v1.Strategy;
import io.peregrine.proto.v1.StrategySet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One version of the strategy set, ready for lookups: strategies by endpoint then metric (hbs resolved them per
 * host), unpaused expressions by metric. Immutable; the source swaps whole indexes, so a sample is judged against one
 * consistent version.
 */
public final class StrategyIndex implements RuleLookup {
  static final StrategyIndex EMPTY = new StrategyIndex(0, Map.of(), Map.of(), List.of(), List.of(), 0, 0, Map.of(),
      List.of(), Map.of());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final long version;
  private final Map<String, Map<String, List<Rule>>> byHost;
  private final Map<String, List<Rule>> expressionsByMetric;
  private final List<RuleProblem> skipped;
  private final List<RuleProblem> warnings;
  private final int strategyCount;
  private final int pausedExpressions;
  /** Mock configs by exact series key. */
  private final Map<String, MockConfig> mocks;
  /** Unpaused {@code calc(...)} expressions: judged by {@code io.peregrine.judge.expr}, not here. */
  private final List<Expression> multiMetric;
  /**
   * With agent-lost alerts on: each host's untagged nodata strategies on {@code agent.alive}, which the agent-lost
   * check raises from hbs's heartbeats instead of the samples' silence (else one outage would raise both).
   */
  private final Map<String, List<Rule>> agentNodata;

  private StrategyIndex(long version, Map<String, Map<String, List<Rule>>> byHost,
      Map<String, List<Rule>> expressionsByMetric, List<RuleProblem> skipped, List<RuleProblem> warnings,
      int strategyCount, int pausedExpressions, Map<String, MockConfig> mocks, List<Expression> multiMetric,
      Map<String, List<Rule>> agentNodata) {
    this.agentNodata = agentNodata;
    this.mocks = mocks;
    this.multiMetric = multiMetric;
    this.version = version;
    this.byHost = byHost;
    this.expressionsByMetric = expressionsByMetric;
    this.skipped = skipped;
    this.warnings = warnings;
    this.strategyCount = strategyCount;
    this.pausedExpressions = pausedExpressions;
  }

  /** Builds the index of a full set; strategies and expressions that cannot be judged are left out with a reason. */
  public static StrategyIndex build(StrategySet set, int historySize) {
    return build(set, historySize, false);
  }

  /**
   * @param agentLost agent-lost alerts are on: untagged nodata strategies on {@code agent.alive} are left to them
   *     (see {@link #agentAliveRules}) and not judged on the samples' silence
   */
  public static StrategyIndex build(StrategySet set, int historySize, boolean agentLost) {
    RuleFactory factory = new RuleFactory(historySize);
    List<RuleProblem> skipped = new ArrayList<>();
    List<RuleProblem> warnings = new ArrayList<>();
    // hbs repeats a template's strategy for every host it applies to: parse it once, share the Rule
    Map<Strategy, Rule> parsed = new HashMap<>();
    Map<Strategy, Boolean> failed = new HashMap<>();
    Map<String, Map<String, List<Rule>>> byHost = new HashMap<>();
    Map<String, List<Rule>> agentNodata = new HashMap<>();
    for (HostStrategies host : set.getHostsList()) {
      Map<String, List<Rule>> byMetric = byHost.computeIfAbsent(host.getHostname(), h -> new HashMap<>());
      for (Strategy s : host.getStrategiesList()) {
        Rule rule = parsed.get(s);
        if (rule == null && !failed.containsKey(s)) {
          try {
            rule = factory.strategy(s, w -> warnings.add(new RuleProblem("strategy", s.getId(), s.getFunc(), w)));
            parsed.put(s, rule);
          } catch (IllegalArgumentException e) {
            failed.put(s, Boolean.TRUE);
            skipped.add(new RuleProblem("strategy", s.getId(), s.getFunc(), e.getMessage()));
          }
        }
        if (rule != null && agentLost && isAgentNodata(rule)) {
          agentNodata.computeIfAbsent(host.getHostname(), h -> new ArrayList<>()).add(rule);
        } else if (rule != null) {
          byMetric.computeIfAbsent(rule.metric(), m -> new ArrayList<>()).add(rule);
        }
      }
    }
    Map<String, List<Rule>> byMetricExpr = new HashMap<>();
    int paused = 0;
    List<Expression> multiMetric = new ArrayList<>();
    for (Expression e : set.getExpressionsList()) {
      if (e.getPause()) {
        paused++;
        continue;
      }
      if (ExprParser.isCalc(e.getExpression())) {
        multiMetric.add(e);
        continue;
      }
      try {
        Rule rule = factory.expression(e, w -> warnings.add(new RuleProblem("expression", e.getId(), e.getFunc(), w)));
        byMetricExpr.computeIfAbsent(rule.metric(), m -> new ArrayList<>()).add(rule);
      } catch (IllegalArgumentException ex) {
        skipped.add(new RuleProblem("expression", e.getId(), e.getFunc(), ex.getMessage()));
      }
    }
    Map<String, MockConfig> mocks = new HashMap<>();
    for (MockConfig m : set.getMockConfigsList()) {
      try {
        if (m.getEndpoint().isBlank() || m.getMetric().isBlank()) {
          throw new IllegalArgumentException("endpoint and metric must not be empty");
        }
        mocks.put(SeriesKey.of(m.getEndpoint(), m.getMetric().trim(), Tags.canonical(m.getTags())), m);
      } catch (IllegalArgumentException ex) {
        skipped.add(new RuleProblem("mockcfg", m.getId(), m.getName(), ex.getMessage()));
      }
    }
    Map<String, Map<String, List<Rule>>> frozenHosts = new HashMap<>();
    byHost.forEach((host, metrics) -> {
      Map<String, List<Rule>> frozen = new HashMap<>();
      metrics.forEach((metric, rules) -> frozen.put(metric, List.copyOf(rules)));
      frozenHosts.put(host, Map.copyOf(frozen));
    });
    Map<String, List<Rule>> frozenExpr = new HashMap<>();
    byMetricExpr.forEach((metric, rules) -> frozenExpr.put(metric, List.copyOf(rules)));
    return new StrategyIndex(set.getVersion(), Map.copyOf(frozenHosts), Map.copyOf(frozenExpr),
        List.copyOf(skipped), List.copyOf(warnings), parsed.size(), paused, Map.copyOf(mocks),
        List.copyOf(multiMetric), Map.copyOf(agentNodata));
  }

  @Override
  public List<Rule> strategies(String endpoint, String metric) {
    Map<String, List<Rule>> byMetric = byHost.get(endpoint);
    if (byMetric == null) {
      return List.of();
    }
    List<Rule> rules = byMetric.get(metric);
    return rules == null ? List.of() : rules;
  }

  @Override
  public List<Rule> expressions(String metric) {
    List<Rule> rules = expressionsByMetric.get(metric);
    return rules == null ? List.of() : rules;
  }

  @Override
  public boolean hasMocks() {
    return !mocks.isEmpty();
  }

  @Override
  public MockConfig mock(String seriesKey) {
    return mocks.get(seriesKey);
  }

  private static boolean isAgentNodata(Rule r) {
    return r.metric().equals(Evaluator.AGENT_METRIC) && r.tags().isEmpty()
        && r.function().kind() == JudgeFunction.Kind.NODATA;
  }

  /**
   * The host's strategies on {@code agent.alive} the agent-lost check may use: those the samples are judged by,
   * and the nodata ones left to it.
   */
  public List<Rule> agentAliveRules(String host) {
    List<Rule> nodata = agentNodata.get(host);
    List<Rule> judged = strategies(host, Evaluator.AGENT_METRIC);
    if (nodata == null) {
      return judged;
    }
    List<Rule> all = new ArrayList<>(judged);
    all.addAll(nodata);
    return all;
  }

  /** hbs's unpaused multi-metric expressions ({@code calc(...)}); the same list object for the index's life. */
  public List<Expression> multiMetricExpressions() {
    return multiMetric;
  }

  public int mockCount() {
    return mocks.size();
  }

  public long version() {
    return version;
  }

  /** Distinct strategies in use (one per id and content, however many hosts share it). */
  public int strategyCount() {
    return strategyCount;
  }

  public int expressionCount() {
    return expressionsByMetric.values().stream().mapToInt(List::size).sum();
  }

  public int hostCount() {
    return byHost.size();
  }

  public List<RuleProblem> skipped() {
    return skipped;
  }

  public List<RuleProblem> warnings() {
    return warnings;
  }

  /** The set as {@code /api/v1/strategies} shows it: what is judged, per host, and what was left out and why. */
  public ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", version);
    ObjectNode hosts = root.putObject("hosts");
    new TreeMap<>(byHost).forEach((host, byMetric) -> {
      ArrayNode list = hosts.putArray(host);
      new TreeMap<>(byMetric).forEach((metric, rules) -> rules.forEach(r -> {
        ObjectNode node = JSON.valueToTree(r.eventStrategy());
        node.put("window", r.window().toString());
        list.add(node);
      }));
    });
    ArrayNode expressions = root.putArray("expressions");
    new TreeMap<>(expressionsByMetric).forEach((metric, rules) ->
        rules.forEach(r -> expressions.add(JSON.<ObjectNode>valueToTree(r.eventExpression()))));
    root.put("pausedExpressions", pausedExpressions);
    ArrayNode mockList = root.putArray("mockConfigs");
    new TreeMap<>(mocks).forEach((series, m) -> mockList.addObject().put("id", m.getId()).put("name", m.getName())
        .put("series", series).put("counterType", m.getCounterType()).put("step", m.getStep())
        .put("mock", m.getMock()));
    root.set("skipped", JSON.valueToTree(skipped));
    root.set("warnings", JSON.valueToTree(warnings));
    return root;
  }
}
