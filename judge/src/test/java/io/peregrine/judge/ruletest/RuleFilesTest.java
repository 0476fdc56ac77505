package io.peregrine.judge.ruletest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The judge's reference cases, one YAML file per Open-Falcon semantic, run by the rule test runner. */
class RuleFilesTest {
  static Stream<Path> files() throws IOException, URISyntaxException {
    Path dir = Path.of(RuleFilesTest.class.getResource("/rules").toURI());
    List<Path> all;
    try (Stream<Path> s = Files.list(dir)) {
      all = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(all).hasSizeGreaterThanOrEqualTo(12);
    return all.stream();
  }

  @ParameterizedTest
  @MethodSource("files")
  void passes(Path file) {
    RuleTestRunner.Result r = new RuleTestRunner().run(file);
    assertThat(r.failures()).as(file.getFileName().toString()).isEmpty();
    assertThat(r.tests()).isPositive();
  }
}
