package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hbs.importOnStart}: the file is the store after every start; a file that does not import stops it. */
class ImportOnStartH2Test {
  @TempDir
  Path dir;

  @Test
  void theFileIsImportedAtEveryStartAndABadOneStopsIt() throws Exception {
    Path file = dir.resolve("monitoring.yaml");
    Files.writeString(file, """
        templates:
        - name: base
          strategies:
          - {metric: cpu.busy, func: all(#3), operator: '>', rightValue: '90', maxStep: 3, priority: 2}
        groups:
        - {name: web, hosts: [web-01], templates: [base]}
        """);
    try (TestDatabase db = TestDatabase.h2(dir.resolve("db"))) {
      HbsConfig config = HbsHarness.config(db).withImportOnStart(file.toString());
      try (HbsHarness hbs = new HbsHarness(config)) {
        assertThat(hbs.get("/api/v1/templates").json()).extracting(t -> t.get("name").asText())
            .containsExactly("base");
        assertThat(hbs.host(hbs.strategies(0), "web-01")).isPresent();
        hbs.create("/api/v1/templates", "{\"name\":\"hand-made\"}");
      }
      try (HbsHarness hbs = new HbsHarness(config)) {
        // the file wins again: what it lacks is gone
        assertThat(hbs.get("/api/v1/templates").json()).extracting(t -> t.get("name").asText())
            .containsExactly("base");
      }
      Files.writeString(file, "templates:\n- name: base\n  parent: missing\n");
      assertThatThrownBy(() -> new HbsHarness(config).close()).hasMessageContaining("does not import");
    }
  }
}
