package io.peregrine.graph.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.graph.GraphConfig;
import io.peregrine.proto.v1.Consolidation;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The consolidation math against values computed by hand (step 60 s; T is a whole hour). */
class ConsolidationTest {
  static final long T = 1_699_999_200L;

  @TempDir Path dir;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  Drops drops = new Drops(registry);
  GraphStore store;

  @BeforeEach
  void open() throws IOException {
    store = new GraphStore(GraphConfig.defaults().withDataDir(dir.toString()).withRawRows(720), registry, drops);
    store.start();
  }

  @AfterEach
  void close() {
    store.close();
  }

  void push(Sample... samples) {
    double before = handled();
    for (Sample s : samples) {
      assertThat(store.offer(s)).isEqualTo(Admission.ACCEPTED);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> handled() >= before + samples.length);
  }

  double handled() {
    return registry.get("graph_stored_samples").counter().count() + drops.total("out_of_order");
  }

  static Sample g(double value, long ts) {
    return TestSamples.gauge("h", "m", "", value, ts);
  }

  static Sample c(double value, long ts) {
    return TestSamples.counter("h", "c", "", value, ts);
  }

  double[] values(String key, Consolidation cf, long start, long end, int resolution) {
    return store.query(key, cf, start, end, resolution).orElseThrow().values();
  }

  @Test
  void severalSamplesInAStepAreTimeWeighted() {
    // step T: 10 holds 30 s, 20 holds 30 s -> 15; step T+60: 10 holds T+60..T+110 (50 s), 20 the last 10 s
    push(g(10, T), g(20, T + 30), g(10, T + 70), g(20, T + 110), g(99, T + 120));

    double[] v = values("h/m/", Consolidation.AVERAGE, T, T + 120, 0);

    assertThat(v[0]).isEqualTo(15.0);
    assertThat(v[1]).isCloseTo((10 * 50 + 20 * 10) / 60.0, within(1e-5)); // 11.6667
    assertThat(v[2]).as("the step in progress, provisional").isEqualTo(99.0);
    assertThat(drops.total("out_of_order")).isZero();
  }

  @Test
  void theStepInProgressIsVisibleAndChangesWithEachSample() {
    push(g(4, T + 10));
    assertThat(values("h/m/", Consolidation.AVERAGE, T, T, 0)).containsExactly(4.0);
    push(g(8, T + 40)); // 4 covers T..T+40, 8 the last 20 s
    assertThat(values("h/m/", Consolidation.AVERAGE, T, T, 0)[0]).isCloseTo((4 * 40 + 8 * 20) / 60.0, within(1e-5));
  }

  @Test
  void counterRatesWithSeveralReadingsInAStep() {
    // readings 0 @T, 60 @T+60 (1/s), 150 @T+90 (3/s): step T+60 holds 1/s for 30 s and 3/s for 30 s
    push(c(0, T), c(60, T + 60), c(150, T + 90));

    double[] v = values("h/c/", Consolidation.AVERAGE, T, T + 60, 0);

    assertThat(v[0]).as("no rate for the first reading").isNaN();
    assertThat(v[1]).isEqualTo(2.0);
    assertThat(store.last("h/c/").orElseThrow()).isEqualTo(new LastPoint(T + 90, 150));
  }

  @Test
  void aCounterThatWrapsOrResetsYieldsNoPoint() {
    push(c(4_294_967_000.0, T), c(4_294_967_240.0, T + 60), c(60, T + 120), c(180, T + 180), c(0, T + 240),
        c(120, T + 300));

    double[] v = values("h/c/", Consolidation.AVERAGE, T, T + 300, 0);

    assertThat(v[1]).isEqualTo(4.0);
    assertThat(v[2]).as("32-bit wrap").isNaN();
    assertThat(v[3]).isEqualTo(2.0);
    assertThat(v[4]).as("reset to 0").isNaN();
    assertThat(v[5]).isEqualTo(2.0);
  }

  @Test
  void consolidatedPointsNeedHalfTheirStepsKnown() {
    // 5-step points: T+300 holds T+60..T+300, T+600 holds T+360..T+600
    push(g(1, T + 60), g(2, T + 120), // 2 of 5 known: unknown
        g(3, T + 360), g(4, T + 420), g(6, T + 480), // 3 of 5: known
        g(9, T + 660)); // opens the next point, closing T+600

    assertThat(values("h/m/", Consolidation.AVERAGE, T + 300, T + 600, 300)[0]).isNaN();
    assertThat(values("h/m/", Consolidation.AVERAGE, T + 300, T + 600, 300)[1])
        .isCloseTo(13 / 3.0, within(1e-5));
    assertThat(values("h/m/", Consolidation.MAX, T + 300, T + 600, 300)).containsExactly(Double.NaN, 6.0);
    assertThat(values("h/m/", Consolidation.MIN, T + 300, T + 600, 300)).containsExactly(Double.NaN, 3.0);
    assertThat(values("h/m/", Consolidation.AVERAGE, T + 900, T + 900, 300)).as("provisional, from T+660")
        .containsExactly(9.0);
  }

  @Test
  void theRawRingKeepsItsNewest720StepsAndOlderRangesComeFromCoarserArchives() {
    Sample[] samples = new Sample[800];
    for (int i = 0; i < 800; i++) {
      samples[i] = g(i, T + 60L * i);
    }
    push(samples);

    assertThat(values("h/m/", Consolidation.AVERAGE, T + 60L * 100, T + 60L * 102, 0)).containsExactly(100.0,
        101.0, 102.0);
    QueryResult old = store.query("h/m/", Consolidation.AVERAGE, T + 60, T + 600, 0).orElseThrow();
    assertThat(old.step()).as("the raw ring no longer reaches back to T+60").isEqualTo(300);
    assertThat(old.values()).containsExactly(3.0, 8.0); // (1..5)/5, (6..10)/5
    assertThat(store.query("h/m/", Consolidation.MAX, T, T + 3_600, 1_200).orElseThrow().values())
        .as("the point at T holds T-1140..T: one known step of 20 is too few").containsExactly(Double.NaN, 20.0, 40.0,
            60.0);
  }

  @Test
  void valuesComeBackAsTheDecimalsPushed() {
    push(g(0.1, T), g(12345.678, T + 60), g(-3.3e-5, T + 120));
    assertThat(values("h/m/", Consolidation.AVERAGE, T, T + 120, 0)).containsExactly(0.1, 12345.678, -3.3e-5);
  }

  @Test
  void olderSamplesAndDuplicatesAreDroppedAndCounted() {
    push(g(1, T + 120), g(2, T + 60), g(3, T + 120));
    assertThat(drops.total("out_of_order")).isEqualTo(2);
    assertThat(List.of(store.last("h/m/").orElseThrow().value())).containsExactly(1.0);
  }
}
