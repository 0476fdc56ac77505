package io.peregrine.judge.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.judge.eval.JudgeFunction;
import io.peregrine.judge.eval.Operator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExprParserTest {
  @Test
  void aThresholdRuleAppliesItsFunctionToTheValueSeries() {
    ExprParser.Parsed p = ExprParser.parseRule("all(#3): mem.memused / mem.memtotal * 100 > 90");
    assertThat(p.function().kind()).isEqualTo(JudgeFunction.Kind.ALL);
    assertThat(p.function().n()).isEqualTo(3);
    assertThat(p.op()).isEqualTo(Operator.GT);
    assertThat(p.right()).isEqualTo(90);
    assertThat(p.valueText()).isEqualTo("mem.memused / mem.memtotal * 100");
    assertThat(p.references()).containsExactly(new Reference("mem.memused", Map.of()),
        new Reference("mem.memtotal", Map.of()));
    assertThat(p.value().eval(new double[] {950, 1000})).isEqualTo(95);
  }

  @Test
  void aConditionIsJudgedAsOneOrZeroAgainstEqualsOne() {
    ExprParser.Parsed p = ExprParser.parseRule("disk.io.util{device=sda} > 90 and load.1min > 8");
    assertThat(p.function().text()).isEqualTo("all(#1)");
    assertThat(p.op()).isEqualTo(Operator.EQ);
    assertThat(p.right()).isEqualTo(1);
    assertThat(p.valueText()).isEqualTo("disk.io.util{device=sda} > 90 and load.1min > 8");
    assertThat(p.references()).containsExactly(new Reference("disk.io.util", Map.of("device", "sda")),
        new Reference("load.1min", Map.of()));
    assertThat(p.value().eval(new double[] {95, 9})).isEqualTo(1);
    assertThat(p.value().eval(new double[] {95, 2})).isEqualTo(0);
  }

  @Test
  void aNegativeThresholdAndEveryFunctionParse() {
    ExprParser.Parsed p = ExprParser.parseRule("lookup(#2,3): a - b < -5");
    assertThat(p.function().k()).isEqualTo(2);
    assertThat(p.right()).isEqualTo(-5);
    assertThat(p.valueText()).isEqualTo("a - b");
    for (String f : new String[] {"max(#5)", "min(#5)", "avg(#5)", "sum(#5)", "diff(#3)", "pdiff(#3)",
        "kdiff(#2,3)", "kpdiff(#2,3)", "stddev(#5)"}) {
      assertThat(ExprParser.parseRule(f + ": a + b > 1").function().text()).isEqualTo(f);
    }
  }

  @Test
  void precedenceIsArithmeticThenComparisonThenNotAndOr() {
    // 1 + 2 * 3 = 7; not binds tighter than and, and tighter than or
    assertThat(ExprParser.parseRule("a + 2 * 3 == 7 or b > 0 and not c > 0").value()
        .eval(new double[] {1, 0, 0})).isEqualTo(1);
    assertThat(ExprParser.parseRule("(a + 2) * 3").value().eval(new double[] {1})).isEqualTo(9);
    assertThat(ExprParser.parseRule("a - 2 - 3").value().eval(new double[] {10})).as("left-assoc").isEqualTo(5);
    assertThat(ExprParser.parseRule("a / 2 / 5").value().eval(new double[] {100})).isEqualTo(10);
    assertThat(ExprParser.parseRule("--a").value().eval(new double[] {4})).isEqualTo(4);
  }

  @Test
  void quotedNamesTagsAndRepeatedReferencesShareSlots() {
    ExprParser.Parsed p = ExprParser.parseRule(
        "\"disk.io.avgqu-sz\"{device = sda} + df.bytes.free.percent{mount=\"/data\", fstype=ext4} + "
            + "\"disk.io.avgqu-sz\"{device=sda} > 1e3");
    assertThat(p.references()).containsExactly(new Reference("disk.io.avgqu-sz", Map.of("device", "sda")),
        new Reference("df.bytes.free.percent", Map.of("mount", "/data", "fstype", "ext4")));
    assertThat(p.right()).isEqualTo(1000);
    assertThat(p.valueText()).endsWith("\"disk.io.avgqu-sz\"{device=sda}");
  }

  @Test
  void hbsCalcFormTakesTheRowsFunctionOperatorAndRightValue() {
    ExprParser.Parsed p = ExprParser.parseCalc("calc(mem.memused / mem.memtotal * 100)", "avg(#5)", ">=", 90);
    assertThat(p.function().text()).isEqualTo("avg(#5)");
    assertThat(p.op()).isEqualTo(Operator.GE);
    assertThat(p.valueText()).isEqualTo("mem.memused / mem.memtotal * 100");
    assertThat(ExprParser.isCalc(" calc(a)")).isTrue();
    assertThat(ExprParser.isCalc("each(metric=a)")).isFalse();
    assertThatThrownBy(() -> ExprParser.parseCalc("calc(a +)", "all(#1)", ">", 1))
        .hasMessage("col 9: expected a metric name or number, found the end of the text");
    assertThatThrownBy(() -> ExprParser.parseCalc("calc(a)", "all(#1)", "~", 1)).hasMessageContaining("operator");
    assertThatThrownBy(() -> ExprParser.parseCalc("calcx", "all(#1)", ">", 1)).hasMessageContaining("calc(");
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of("all(#3): mem.memused / (mem.memtotal * ) > 90", "col 40: expected a metric name or number, found ')'"),
        Arguments.of("", "col 1: expected a metric name or number, found the end of the text"),
        Arguments.of("a >", "col 4: expected a metric name or number, found the end of the text"),
        Arguments.of("a > 1 b", "col 7: expected an operator, 'and', 'or' or the end, found 'b'"),
        Arguments.of("(a > 1", "col 7: expected ')' to close the '(' at col 1, found the end of the text"),
        Arguments.of("a < b < c", "col 7: comparisons do not chain: write 'a < b and b < c'"),
        Arguments.of("a = 1", "col 3: '=' is not an operator: compare with '=='"),
        Arguments.of("a > 1 && b > 1", "col 7: write 'and' instead of '&&'"),
        Arguments.of("a > 1 || b > 1", "col 7: write 'or' instead of '||'"),
        Arguments.of("!a", "col 1: write 'not' instead of '!'"),
        Arguments.of("a % 2", "col 3: unexpected character '%'"),
        Arguments.of("5m > 1", "col 1: '5m' is not a number (a metric name that starts with a digit is written in "
            + "double quotes)"),
        Arguments.of("a > 1.", "col 5: '1.' is not a number"),
        Arguments.of("\"a > 1", "col 1: the quoted metric name is not closed with '\"'"),
        Arguments.of("a{device} > 1", "col 9: expected '=' after the tag name 'device'"),
        Arguments.of("a{device=} > 1", "col 10: the tag 'device' has no value"),
        Arguments.of("a{device=sda > 1", "col 17: expected '}' to close the '{' at col 2, found the end of the text"),
        Arguments.of("a{x=1,x=2}", "col 7: the tag 'x' appears twice"),
        Arguments.of("1 + 2 > 1", "col 1: the expression names no metric"),
        Arguments.of("max(#5) a > 1", "col 1: 'max(' is not allowed here: a function goes first and ends with ':', "
            + "e.g. all(#3): mem.memused / mem.memtotal * 100 > 90"),
        Arguments.of("foo(#3): a > 1", "col 1: func 'foo(#3)': unknown function 'foo' (all max min sum avg lookup "
            + "diff pdiff stddev kdiff kpdiff nodata)"),
        Arguments.of("nodata(#3): a > 1", "col 1: nodata does not apply to a multi-metric expression: put a nodata "
            + "strategy on its inputs"),
        Arguments.of("all(#3) : ", "col 11: expected a metric name or number, found the end of the text"));
  }

  @ParameterizedTest
  @MethodSource("bad")
  void badInputPointsAtTheColumn(String text, String message) {
    assertThatThrownBy(() -> ExprParser.parseRule(text)).isInstanceOf(ExprSyntaxException.class)
        .hasMessage(message);
  }

  @Test
  void limitsOnLengthReferencesAndDepth() {
    assertThatThrownBy(() -> ExprParser.parseRule("a + " + "1 + ".repeat(300) + "1"))
        .hasMessageStartingWith("col 1025: the rule is 1205 characters long; at most 1024");
    StringBuilder refs = new StringBuilder("m0");
    for (int i = 1; i <= ExprParser.MAX_REFERENCES; i++) {
      refs.append(" + m").append(i);
    }
    assertThatThrownBy(() -> ExprParser.parseRule(refs.toString()))
        .hasMessage("col 87: more than 16 different metric references");
    String deep = "(".repeat(ExprParser.MAX_DEPTH) + "a" + ")".repeat(ExprParser.MAX_DEPTH);
    assertThat(ExprParser.parseRule(deep).references()).hasSize(1);
    assertThatThrownBy(() -> ExprParser.parseRule("(" + deep + ")"))
        .hasMessage("col 33: nested deeper than 32 levels");
    assertThatThrownBy(() -> ExprParser.parseRule("not ".repeat(40) + "a")).hasMessageContaining("nested deeper");
  }
}
