package io.peregrine.judge.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OperatorTest {
  @Test
  void parsesEveryOpenFalconOperatorAndNothingElse() {
    assertThat(Operator.parse("==")).isEqualTo(Operator.EQ);
    assertThat(Operator.parse("=")).isEqualTo(Operator.ASSIGN_EQ);
    assertThat(Operator.parse(" != ")).isEqualTo(Operator.NE);
    assertThat(Operator.parse("<")).isEqualTo(Operator.LT);
    assertThat(Operator.parse("<=")).isEqualTo(Operator.LE);
    assertThat(Operator.parse(">")).isEqualTo(Operator.GT);
    assertThat(Operator.parse(">=")).isEqualTo(Operator.GE);
    assertThat(Operator.parse("=>")).isNull();
    assertThat(Operator.parse("")).isNull();
    assertThat(Operator.parse(null)).isNull();
  }

  @Test
  void equalityIsWithinOneTenThousandth() {
    assertThat(Operator.EQ.test(1.00005, 1)).isTrue();
    assertThat(Operator.ASSIGN_EQ.test(1.00005, 1)).isTrue();
    assertThat(Operator.EQ.test(1.0002, 1)).isFalse();
    assertThat(Operator.NE.test(1.00005, 1)).isFalse();
    assertThat(Operator.NE.test(1.0002, 1)).isTrue();
  }

  @Test
  void ordersCompareExactly() {
    assertThat(Operator.LT.test(1, 2)).isTrue();
    assertThat(Operator.LT.test(2, 2)).isFalse();
    assertThat(Operator.LE.test(2, 2)).isTrue();
    assertThat(Operator.LE.test(2.1, 2)).isFalse();
    assertThat(Operator.GT.test(3, 2)).isTrue();
    assertThat(Operator.GT.test(2, 2)).isFalse();
    assertThat(Operator.GE.test(2, 2)).isTrue();
    assertThat(Operator.GE.test(1.9, 2)).isFalse();
  }
}
