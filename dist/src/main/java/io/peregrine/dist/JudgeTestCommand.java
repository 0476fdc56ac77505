package io.peregrine.dist;

import io.peregrine.judge.ruletest.RuleTestRunner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peregrine judge test FILE...}: rule unit tests through the production judge code (docs/RULE-TESTS.md). */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Run rule test files (YAML: strategies, expressions, input series, expected events) through the "
        + "judge's evaluator with a simulated clock. Exit 0 when every test passes, 1 otherwise.")
final class JudgeTestCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "1..*", description = "rule test files")
  List<Path> files;

  @Option(names = "--output", paramLabel = "MODE", defaultValue = "check",
      description = "check (default): compare with the expected events; events: print what fired as JSON lines")
  String output;

  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() {
    if (!output.equals("check") && !output.equals("events")) {
      err.println("--output must be check or events, got '" + output + "'");
      return 2;
    }
    RuleTestRunner runner = new RuleTestRunner();
    int failed = 0;
    int tests = 0;
    for (Path file : files) {
      RuleTestRunner.Result r = runner.run(file);
      tests += r.tests();
      if (output.equals("events")) {
        r.fired().forEach(f -> out.println(RuleTestRunner.jsonLine(file, f)));
        if (r.tests() == 0) {
          r.failures().forEach(err::println);
          failed++;
        }
        continue;
      }
      if (r.passed()) {
        out.println("PASS " + file + " (" + r.tests() + " tests)");
      } else {
        failed++;
        out.println("FAIL " + file);
        r.failures().forEach(f -> out.println("  " + f));
      }
    }
    if (output.equals("check")) {
      out.println((failed == 0 ? "ok" : "FAILED") + ": " + files.size() + " files, " + tests + " tests, " + failed
          + " files failing");
    }
    return failed == 0 ? 0 : 1;
  }
}
