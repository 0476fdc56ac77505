package io.peregrine.graph.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.proto.v1.Consolidation;
import io.peregrine.proto.v1.CounterType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every archive full and wrapped: 400 days of a gauge whose value is its step number, pushed into one slot. Each
 * archive then answers exactly its last {@code rows} points (each ring went round hundreds of times) with
 * hand-computed values: a k-step point m holds the
 * steps (m-1)k+1 .. mk, so its AVERAGE is (m-1)k + (k+1)/2, its MAX mk and its MIN (m-1)k+1.
 */
class FullRetentionTest {
  static final int STEP = 60;
  static final long T0 = 1_700_006_400L; // a multiple of 43,200 s, the 720-step width
  static final int N = 400 * 1_440; // steps pushed: 0 .. N-1, the last one still open

  @TempDir Path dir;

  @Test
  void everyArchiveWrapsAndKeepsItsNewestRows() throws Exception {
    ArchiveLayout layout = ArchiveLayout.withRawRows(1_440);
    try (Segment seg = Segment.open(0, dir.resolve("seg-00000.dat"), layout)) {
      SlotState.init(seg.buffer(), seg.state(0), STEP, CounterType.GAUGE_VALUE);
      for (int i = 0; i < N; i++) {
        assertThat(Consolidator.apply(seg, 0, T0 + (long) STEP * i, i)).isTrue();
      }
      SeriesMeta meta = new SeriesMeta("h/m/", "h", "m", "", STEP, CounterType.GAUGE, 0);

      // raw: the 1,440 finished steps before the open one, value = step number
      long from = T0 + (long) STEP * (N - 1 - 1_440);
      QueryResult raw = ArchiveReader.fetch(seg, 0, meta, Consolidation.AVERAGE, from, from,
          T0 + (long) STEP * (N - 2), 0, 10_000);
      assertThat(raw.step()).isEqualTo(STEP);
      assertThat(raw.size()).isEqualTo(1_440);
      for (int p = 0; p < raw.size(); p++) {
        assertThat(raw.values()[p]).isEqualTo((double) (N - 1 - 1_440 + p));
      }

      int[] steps = {5, 20, 180, 720};
      int[] rows = {576, 504, 766, 730};
      for (int l = 0; l < steps.length; l++) {
        int k = steps[l];
        long width = (long) k * STEP;
        long fin = -Math.floorDiv(-(long) (N - 2), k); // ceil: the level point holding the newest final step
        long first = fin - rows[l] + 1;
        long last = fin - 1;
        for (Consolidation cf : new Consolidation[] {Consolidation.AVERAGE, Consolidation.MAX, Consolidation.MIN}) {
          QueryResult r = ArchiveReader.fetch(seg, 0, meta, cf, T0 + first * width, T0 + first * width,
              T0 + last * width, (int) width, 10_000);
          assertThat(r.step()).as("%d steps %s", k, cf).isEqualTo((int) width);
          assertThat(r.size()).isEqualTo((int) (last - first + 1));
          for (int p = 0; p < r.size(); p++) {
            long m = first + p;
            double want = switch (cf) {
              case MAX -> m * k;
              case MIN -> (m - 1) * k + 1;
              default -> (m - 1) * k + (k + 1) / 2.0;
            };
            assertThat(r.values()[p]).as("%d steps %s point %d", k, cf, m).isEqualTo(want);
          }
        }
      }
    }
  }
}
