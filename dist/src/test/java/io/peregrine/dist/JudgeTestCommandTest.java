package io.peregrine.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code peregrine judge test} through picocli, as a user runs it. */
class JudgeTestCommandTest {
  @TempDir
  Path dir;

  private static final String RULES = """
      strategies:
        - {id: 7, metric: cpu.idle, func: "all(#2)", operator: "<", rightValue: 10, hosts: [host1]}
      tests:
        - name: low cpu
          series:
            - {endpoint: host1, metric: cpu.idle, values: "5 4 50"}
          expect:
            - {at: 60, status: PROBLEM, leftValue: %s}
            - {at: 120, status: OK}
      """;

  private record Run(int exit, String out) {}

  private Run run(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    CommandLine cli = new CommandLine(new Peregrine());
    PrintStream previous = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int exit = cli.execute(args);
      return new Run(exit, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(previous);
    }
  }

  @Test
  void passingFilesExitZeroAndFailingOnesPrintTheDiffAndExitOne() throws Exception {
    Path good = Files.writeString(dir.resolve("good.yaml"), RULES.formatted("4"));
    Path bad = Files.writeString(dir.resolve("bad.yaml"), RULES.formatted("5"));
    Run ok = run("judge", "test", good.toString());
    assertThat(ok.exit()).isZero();
    assertThat(ok.out()).contains("PASS " + good).contains("ok: 1 files, 1 tests, 0 files failing");
    Run failed = run("judge", "test", good.toString(), bad.toString());
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.out()).contains("FAIL " + bad).contains("leftValue: expected 5.0, got 4.0");
  }

  @Test
  void outputEventsPrintsJsonLines() throws Exception {
    Path good = Files.writeString(dir.resolve("good.yaml"), RULES.formatted("4"));
    Run r = run("judge", "test", "--output", "events", good.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out().lines().toList()).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("{\"file\":"));
    assertThat(r.out()).contains("\"status\":\"PROBLEM\"").contains("\"status\":\"OK\"");
  }
}
