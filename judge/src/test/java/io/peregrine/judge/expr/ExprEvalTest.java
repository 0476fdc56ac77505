package io.peregrine.judge.expr;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The value of an expression over its inputs; NaN is unknown. */
class ExprEvalTest {
  private static final double U = Double.NaN;

  private static double eval(String text, double... inputs) {
    return ExprParser.parseRule(text).value().eval(inputs);
  }

  @Test
  void arithmetic() {
    assertThat(eval("a / b * 100", 950, 1000)).isEqualTo(95);
    assertThat(eval("(a + b) / 2 - c", 3, 5, 1)).isEqualTo(3);
    assertThat(eval("-a * 2", 4)).isEqualTo(-8);
    assertThat(eval("a * 0.5e1", 2)).isEqualTo(10);
  }

  @Test
  void divisionByZeroAndOverflowAreUnknown() {
    assertThat(eval("a / b", 1, 0)).isNaN();
    assertThat(eval("a / b", 0, 0)).isNaN();
    assertThat(eval("a * b", 1e300, 1e300)).as("beyond double's range").isNaN();
    assertThat(eval("a / b > 1 or c > 1", 1, 0, 5)).as("the other side of or decides").isEqualTo(1);
    assertThat(eval("b != 0 and a / b > 1", 1, 0)).as("a guard with and").isEqualTo(0);
  }

  @Test
  void unknownPropagatesThroughArithmeticAndComparison() {
    assertThat(eval("a + b", 1, U)).isNaN();
    assertThat(eval("a > b", U, 1)).isNaN();
    assertThat(eval("not a > 1", U)).isNaN();
  }

  @Test
  void andOrFollowThreeValuedLogic() {
    assertThat(eval("a > 1 and b > 1", 0, U)).as("false and unknown").isEqualTo(0);
    assertThat(eval("a > 1 and b > 1", 5, U)).as("true and unknown").isNaN();
    assertThat(eval("a > 1 or b > 1", 5, U)).as("true or unknown").isEqualTo(1);
    assertThat(eval("a > 1 or b > 1", 0, U)).as("false or unknown").isNaN();
    assertThat(eval("a > 1 and b > 1", 5, 5)).isEqualTo(1);
    assertThat(eval("a > 1 or b > 1", 0, 0)).isEqualTo(0);
  }

  @Test
  void comparisonsUseOpenFalconsOperatorsAndNumbersAreTruthy() {
    assertThat(eval("(a == 1) * 1", 1.00001)).as("== within 0.0001").isEqualTo(1);
    assertThat(eval("(a != 1) * 1", 1.00001)).isEqualTo(0);
    assertThat(eval("a >= 1 and a <= 2 and a < 3 and a > 0", 1.5)).isEqualTo(1);
    assertThat(eval("a and b", 2, -1)).as("non-zero is true").isEqualTo(1);
    assertThat(eval("not a", 0)).isEqualTo(1);
    assertThat(eval("(a > 1) + (b > 1)", 5, 5)).as("a condition is a number").isEqualTo(2);
  }
}
