package io.peregrine.judge.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Values are newest first, as the history hands them to functions. */
class JudgeFunctionTest {
  private static FunctionResult eval(String func, String op, double right, double... newestFirst) {
    return JudgeFunction.parse(func).evaluate(newestFirst, newestFirst.length, Operator.parse(op), right);
  }

  @Test
  void parsesOneAndTwoArgumentForms() {
    JudgeFunction all = JudgeFunction.parse(" all ( #3 ) ");
    assertThat(all.kind()).isEqualTo(JudgeFunction.Kind.ALL);
    assertThat(all.n()).isEqualTo(3);
    assertThat(all.text()).isEqualTo("all ( #3 )");
    JudgeFunction lookup = JudgeFunction.parse("lookup(#2,5)");
    assertThat(lookup.k()).isEqualTo(2);
    assertThat(lookup.n()).isEqualTo(5);
    assertThat(JudgeFunction.parse("KDIFF(#3,2)").kind()).isEqualTo(JudgeFunction.Kind.KDIFF);
  }

  @Test
  void refusesWhatItCannotJudgeWithTheReason() {
    assertThatThrownBy(() -> JudgeFunction.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> JudgeFunction.parse("all(3)")).hasMessageContaining("name(#n)");
    assertThatThrownBy(() -> JudgeFunction.parse("median(#3)")).hasMessageContaining("unknown function 'median'");
    assertThatThrownBy(() -> JudgeFunction.parse("all(#2,3)")).hasMessageContaining("one argument");
    assertThatThrownBy(() -> JudgeFunction.parse("lookup(#3)")).hasMessageContaining("two arguments");
    assertThatThrownBy(() -> JudgeFunction.parse("lookup(#4,3)")).hasMessageContaining("k <= n");
    assertThatThrownBy(() -> JudgeFunction.parse("max(#0)")).hasMessageContaining("1..");
    assertThatThrownBy(() -> JudgeFunction.parse("match(^err,60)")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pointsNeededCountsTheComparedPoints() {
    assertThat(JudgeFunction.parse("all(#3)").pointsNeeded()).isEqualTo(3);
    assertThat(JudgeFunction.parse("lookup(#2,5)").pointsNeeded()).isEqualTo(5);
    assertThat(JudgeFunction.parse("diff(#3)").pointsNeeded()).isEqualTo(4);
    assertThat(JudgeFunction.parse("pdiff(#2)").pointsNeeded()).isEqualTo(3);
    assertThat(JudgeFunction.parse("stddev(#5)").pointsNeeded()).isEqualTo(5);
    assertThat(JudgeFunction.parse("kdiff(#3,2)").pointsNeeded()).isEqualTo(5);
    assertThat(JudgeFunction.parse("kpdiff(#1,4)").pointsNeeded()).isEqualTo(5);
  }

  @Test
  void tooFewPointsJudgeNothing() {
    FunctionResult r = eval("all(#3)", ">", 1, 5, 5);
    assertThat(r.enough()).isFalse();
    assertThat(r.fired()).isFalse();
    assertThat(eval("diff(#2)", ">", 1, 5, 5).enough()).isFalse();
    assertThat(eval("kdiff(#2,2)", ">", 1, 5, 5, 5).enough()).isFalse();
  }

  @Test
  void allFiresOnlyWhenEveryValueMatchesAndReportsTheNewest() {
    FunctionResult fired = eval("all(#3)", ">", 90, 95, 91, 99, 10);
    assertThat(fired.fired()).isTrue();
    assertThat(fired.leftValue()).isEqualTo(95);
    assertThat(fired.used()).isEqualTo(3);
    FunctionResult quiet = eval("all(#3)", ">", 90, 95, 80, 99);
    assertThat(quiet.fired()).isFalse();
    assertThat(quiet.leftValue()).isEqualTo(95);
  }

  @Test
  void aggregatesReportTheAggregate() {
    assertThat(eval("max(#3)", ">", 8, 1, 9, 3, 100).leftValue()).isEqualTo(9);
    assertThat(eval("max(#3)", ">", 8, 1, 9, 3, 100).fired()).isTrue();
    assertThat(eval("min(#3)", "<", 2, 4, 1, 3, 0).leftValue()).isEqualTo(1);
    assertThat(eval("min(#3)", "<", 2, 4, 1, 3, 0).fired()).isTrue();
    assertThat(eval("sum(#3)", ">=", 10, 4, 3, 3, 7).leftValue()).isEqualTo(10);
    assertThat(eval("sum(#3)", ">=", 10, 4, 3, 3, 7).fired()).isTrue();
    assertThat(eval("avg(#4)", "==", 2.5, 1, 2, 3, 4).leftValue()).isEqualTo(2.5);
    assertThat(eval("avg(#4)", "==", 2.5, 1, 2, 3, 4).fired()).isTrue();
    assertThat(eval("avg(#2)", ">", 2, 1, 2, 30).fired()).isFalse();
  }

  @Test
  void lookupNeedsAtLeastKOfTheNewestN() {
    FunctionResult two = eval("lookup(#2,3)", ">", 10, 11, 5, 12, 99);
    assertThat(two.fired()).isTrue();
    assertThat(two.leftValue()).isEqualTo(11);
    assertThat(two.used()).isEqualTo(3);
    // the fourth value matches but is outside the newest 3
    assertThat(eval("lookup(#2,3)", ">", 10, 11, 5, 1, 99).fired()).isFalse();
  }

  @Test
  void diffReportsTheFirstSatisfyingDifferenceElseTheLast() {
    // newest 10; differences to previous values 9, 4, 1: 1, 6, 9
    FunctionResult fired = eval("diff(#3)", ">", 5, 10, 9, 4, 1);
    assertThat(fired.fired()).isTrue();
    assertThat(fired.leftValue()).isEqualTo(6);
    assertThat(fired.used()).isEqualTo(4);
    FunctionResult quiet = eval("diff(#3)", ">", 50, 10, 9, 4, 1);
    assertThat(quiet.fired()).isFalse();
    assertThat(quiet.leftValue()).isEqualTo(9);
    assertThat(eval("diff(#1)", "<", 0, 3, 5).leftValue()).isEqualTo(-2);
  }

  @Test
  void pdiffIsPercentOfThePreviousValueSkippingZeros() {
    FunctionResult r = eval("pdiff(#2)", ">=", 50, 15, 0, 10);
    assertThat(r.fired()).isTrue();
    assertThat(r.leftValue()).isCloseTo(50, within(1e-9));
    FunctionResult quiet = eval("pdiff(#2)", ">", 100, 15, 0, 10);
    assertThat(quiet.fired()).isFalse();
    assertThat(quiet.leftValue()).isCloseTo(50, within(1e-9));
    assertThat(eval("pdiff(#1)", ">", -1000, 5, 0).leftValue()).isZero();
    assertThat(eval("pdiff(#1)", ">", -1000, 5, 0).fired()).isFalse();
  }

  @Test
  void stddevFiresOnAnOutlierAndIgnoresTheOperator() {
    // 10 values: nine 10s and a newest 100: mean 19, population sd 27
    double[] vs = {100, 10, 10, 10, 10, 10, 10, 10, 10, 10};
    FunctionResult out = JudgeFunction.parse("stddev(#10)").evaluate(vs, vs.length, null, 2);
    assertThat(out.fired()).isTrue();
    assertThat(out.leftValue()).isEqualTo(100);
    FunctionResult in = JudgeFunction.parse("stddev(#10)").evaluate(vs, vs.length, Operator.LT, 3.1);
    assertThat(in.fired()).as("100 is within 19 +- 3.1 * 27").isFalse();
    double[] flat = {10, 10, 10};
    assertThat(JudgeFunction.parse("stddev(#3)").evaluate(flat, 3, Operator.GT, 1).fired()).isFalse();
  }

  @Test
  void kdiffComparesEachBaselinePointFromTheOldestWithTheNewestNAsFalconPlusDoes() {
    // kdiff(#2,3): newest 3 (20, 21, 22) against the 2 before them (10, 11); 11 (the oldest) first, then 10
    FunctionResult fired = eval("kdiff(#2,3)", ">", 8, 20, 21, 22, 10, 11);
    assertThat(fired.fired()).isTrue();
    assertThat(fired.used()).isEqualTo(5);
    assertThat(fired.leftValue()).as("the last pair compared: 22 - 10").isEqualTo(12);
    // one of the newest is back to normal: no alert, leftValue is the first failing difference (12 - 11)
    FunctionResult back = eval("kdiff(#2,3)", ">", 8, 20, 12, 22, 10, 11);
    assertThat(back.fired()).isFalse();
    assertThat(back.leftValue()).isEqualTo(1);
    // a jump of one point only is what diff catches, not kdiff
    assertThat(eval("kdiff(#1,2)", ">", 5, 20, 10, 10).fired()).isFalse();
  }

  @Test
  void kdiffGivesUpWhenOneOfTheNewestKIsZero() {
    // kdiff(#2,2) < 100 on 5, 0, 1, 1: the first baseline pass holds (4, -1), then vs[1] = 0 stops it
    FunctionResult r = eval("kdiff(#2,2)", "<", 100, 5, 0, 1, 1);
    assertThat(r.enough()).isTrue();
    assertThat(r.fired()).isFalse();
    assertThat(r.leftValue()).isEqualTo(-1);
    assertThat(eval("kpdiff(#1,2)", ">=", 50, 0, 16, 10).fired()).isFalse();
  }

  @Test
  void kpdiffIsInPercentOfTheNewerPointAsFalconPlusDoes() {
    // (30 - 10) / 30 = 66.7 %, (40 - 10) / 40 = 75 %
    FunctionResult fired = eval("kpdiff(#1,2)", ">=", 50, 30, 40, 10);
    assertThat(fired.fired()).isTrue();
    assertThat(fired.leftValue()).isCloseTo(75, within(1e-9));
    // in percent of the baseline this would be 50 % and 60 % and fire; of the newer point it is 33 %
    FunctionResult notFired = eval("kpdiff(#1,2)", ">=", 50, 15, 16, 10);
    assertThat(notFired.fired()).isFalse();
    assertThat(notFired.leftValue()).isCloseTo(100.0 / 3, within(1e-9));
    // a zero baseline is no obstacle: the division is by the newer point
    assertThat(eval("kpdiff(#1,2)", ">=", 50, 15, 16, 0).fired()).isTrue();
  }
}
