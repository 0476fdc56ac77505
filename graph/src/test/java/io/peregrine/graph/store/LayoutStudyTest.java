package io.peregrine.graph.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layout study fills every archive and measures sizes; deterministic (seeded data, no timing). */
class LayoutStudyTest {
  @Test
  void fullRetentionSizesPerShape() throws Exception {
    List<LayoutStudy.Result> results = LayoutStudy.run(ArchiveLayout.openFalcon());
    assertThat(results).hasSize(LayoutStudy.shapes().size());
    for (LayoutStudy.Result r : results) {
      assertThat(r.cells()).isEqualTo(34_208);
    }
    // a constant series: one bit a row once compressed
    assertThat(results.get(0).variable64()).isLessThan(3_000);
    StringWriter w = new StringWriter();
    LayoutStudy.report(720, new PrintWriter(w));
    System.out.println(w);
    LayoutStudy.report(1440, new PrintWriter(System.out));
  }
}
