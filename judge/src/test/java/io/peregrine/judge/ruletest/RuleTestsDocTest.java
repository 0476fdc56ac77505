package io.peregrine.judge.ruletest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/RULE-TESTS.md cannot rot: every YAML example there names its file under judge/src/test/resources/rules/ on
 * its first line and must be that file's text (which {@link RuleFilesTest} runs), and every function has one.
 */
class RuleTestsDocTest {
  private static final Pattern BLOCK = Pattern.compile("```yaml\\n# (judge/src/test/resources/rules/[\\w.-]+\\.yaml)\\n"
      + "(.*?)```", Pattern.DOTALL);

  @Test
  void everyExampleIsTheTextOfARuleFileTheSuiteRuns() throws Exception {
    String doc = Files.readString(Path.of("../docs/RULE-TESTS.md"));
    Matcher m = BLOCK.matcher(doc);
    List<String> files = new ArrayList<>();
    while (m.find()) {
      Path file = Path.of("..").resolve(m.group(1));
      assertThat(file).as(m.group(1)).exists();
      assertThat(Files.readString(file).strip()).as(m.group(1)).isEqualTo(m.group(2).strip());
      assertThat(new RuleTestRunner().run(file).passed()).as(m.group(1)).isTrue();
      files.add(file.getFileName().toString());
    }
    assertThat(files).contains("all.yaml", "aggregates.yaml", "lookup.yaml", "diff.yaml", "pdiff.yaml",
        "kdiff.yaml", "kpdiff.yaml", "stddev.yaml", "nodata.yaml", "mockcfg.yaml", "multi-metric.yaml",
        "multi-metric-hbs.yaml");
    for (String f : new String[] {"max(#", "min(#", "sum(#", "avg(#"}) {
      assertThat(doc).as(f).contains(f);
    }
  }
}
