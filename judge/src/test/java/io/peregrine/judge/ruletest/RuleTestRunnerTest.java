package io.peregrine.judge.ruletest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleTestRunnerTest {
  @TempDir
  Path dir;

  @Test
  void compactNotation() {
    assertThat(SampleNotation.parse("10+5x6")).containsExactly(10, 15, 20, 25, 30, 35, 40);
    assertThat(SampleNotation.parse("40-5x2 7x1")).containsExactly(40, 35, 30, 7, 7);
    double[] gaps = SampleNotation.parse("1 _ 2 _x2 -3");
    assertThat(gaps).hasSize(6);
    assertThat(gaps[1]).isNaN();
    assertThat(gaps[3]).isNaN();
    assertThat(gaps[4]).isNaN();
    assertThat(gaps[5]).isEqualTo(-3);
    assertThatThrownBy(() -> SampleNotation.parse("1 2 abc")).hasMessageContaining("token 3 'abc'");
  }

  private Path file(String yaml) throws Exception {
    Path f = dir.resolve("t.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void aMismatchIsReportedFieldByFieldAndMissingOrExtraEventsByPosition() throws Exception {
    RuleTestRunner.Result r = new RuleTestRunner().run(file("""
        strategies:
          - {id: 7, metric: cpu.idle, func: "all(#2)", operator: "<", rightValue: 10, hosts: [host1]}
        tests:
          - name: wrong
            series:
              - {endpoint: host1, metric: cpu.idle, values: "5 4 50"}
            expect:
              - {at: 60, status: PROBLEM, leftValue: 5, currentStep: 1}
          - name: too few expected
            series:
              - {endpoint: host1, metric: cpu.idle, values: "5 4 50"}
            expect: []
        """));
    assertThat(r.passed()).isFalse();
    assertThat(r.fired()).hasSize(4);
    assertThat(r.failures()).hasSize(4);
    assertThat(r.failures().get(0)).contains("wrong: event 1").contains("leftValue: expected 5.0, got 4.0");
    assertThat(r.failures().get(1)).contains("wrong: event 2 raised but not expected: at 120 OK host1/cpu.idle/");
    assertThat(r.failures().get(2)).contains("too few expected: event 1 raised but not expected");
    assertThat(RuleTestRunner.jsonLine(r.file(), r.fired().get(0)))
        .contains("\"test\":\"wrong\"").contains("\"at\":60").contains("\"status\":\"PROBLEM\"");
  }

  @Test
  void badFilesSayWhatIsWrong() throws Exception {
    assertThat(new RuleTestRunner().run(file("tests:\n  - {name: x, sereis: []}\n")).failures().get(0))
        .contains("cannot read").contains("sereis");
    assertThat(new RuleTestRunner().run(file("""
        strategies:
          - {id: 7, metric: cpu.idle, func: "all(#20)", operator: "<", rightValue: 10, hosts: [host1]}
        tests:
          - series:
              - {endpoint: host1, metric: cpu.idle, counterType: GAGE, values: "5"}
        """)).failures())
        .anySatisfy(f -> assertThat(f).contains("strategy 7 (all(#20)) cannot be judged"))
        .anySatisfy(f -> assertThat(f).contains("counterType 'GAGE'"));
  }
}
