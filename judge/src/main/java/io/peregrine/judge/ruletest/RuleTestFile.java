package io.peregrine.judge.ruletest;

import io.peregrine.judge.expr.ExprRuleDef;
import java.util.List;

/**
 * A rule test file: strategies and expressions in the form hbs exports them, optional mock configs, and test cases.
 * Every time in a test case is an offset in seconds from its {@code start}.
 *
 * @param remain points kept per series (Open-Falcon's {@code remain}, judge.historySize); default 11
 * @param minInterval least time between repeated PROBLEM events, e.g. {@code 300s}; default 300s
 * @param multiMetric multi-metric expressions as judge config writes them ({@code judge.multiMetric}); hbs's
 *     {@code calc(...)} form goes in {@code expressions}
 */
public record RuleTestFile(Integer remain, String minInterval, List<StrategyDef> strategies,
    List<ExpressionDef> expressions, List<ExprRuleDef> multiMetric, List<MockDef> mocks, List<TestCase> tests) {

  /** A strategy as hbs sends it, with the hosts it was resolved for. */
  public record StrategyDef(long id, String metric, String tags, String func, String operator, double rightValue,
      Integer maxStep, Integer priority, String note, String runBegin, String runEnd, long templateId,
      long actionId, List<String> hosts) {}

  public record ExpressionDef(long id, String expression, String func, String operator, double rightValue,
      Integer maxStep, Integer priority, String note, long actionId, boolean pause) {}

  /** Open-Falcon's mockcfg resolved to one endpoint. */
  public record MockDef(long id, String name, String endpoint, String metric, String tags, String counterType,
      Integer step, double mock) {}

  /**
   * @param start unix seconds at offset 0; default 1800000000
   * @param lag seconds between a sample's timestamp and the judge's clock when it arrives; default 0
   * @param until run the clock (silence checks) up to this offset after the last sample; default the last sample
   */
  public record TestCase(String name, Long start, Long lag, Long until, List<SeriesDef> series,
      List<ExpectedEvent> expect) {}

  /**
   * @param values compact notation, one value per step from offset 0 ({@code "5 4 _ 3"}, {@code "10+5x6"})
   * @param points explicit {@code [offset, value]} pairs, instead of values
   */
  public record SeriesDef(String endpoint, String metric, String tags, String counterType, Integer step,
      String values, List<List<Double>> points) {}

  /**
   * An event the test expects, in order; fields left out are not compared.
   *
   * @param at the offset of the sample (or clock second) after which it is raised
   * @param series {@code endpoint/metric/tags} of the event, when the test has several series
   * @param eventTime as an offset from start
   */
  public record ExpectedEvent(Long at, String series, String id, String status, Integer currentStep,
      Double leftValue, Integer priority, Long eventTime) {}
}
