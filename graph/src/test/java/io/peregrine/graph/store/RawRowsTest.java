package io.peregrine.graph.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.graph.GraphConfig;
import io.peregrine.proto.v1.Consolidation;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graph.rawRows}: a raw archive of a day, and data directories written with another length. */
class RawRowsTest {
  static final long T = 1_699_999_200L; // a whole hour
  static final long DAY = 86_400;

  @TempDir Path dir;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  Drops drops = new Drops(registry);

  GraphStore open(int rawRows) throws IOException {
    GraphStore s = new GraphStore(GraphConfig.defaults().withDataDir(dir.toString()).withRawRows(rawRows), registry,
        drops);
    s.start();
    return s;
  }

  void push(GraphStore store, List<Sample> samples) {
    double before = registry.get("graph_stored_samples").counter().count();
    for (Sample s : samples) {
      assertThat(store.offer(s)).isEqualTo(Admission.ACCEPTED);
    }
    await().atMost(Duration.ofSeconds(20))
        .until(() -> registry.get("graph_stored_samples").counter().count() >= before + samples.size());
  }

  /** Value i at T + 60 i for i = 0..1440, and in step 700 a second sample, 0 at its 30th second. */
  static List<Sample> aDayAndAStep() {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i <= 1_440; i++) {
      samples.add(TestSamples.gauge("h", "m", "", i, T + 60L * i));
      if (i == 700) {
        samples.add(TestSamples.gauge("h", "m", "", 0, T + 60L * i + 30));
      }
    }
    return samples;
  }

  @Test
  void theDefaultRawArchiveOf1440RowsAnswersADayAtTheStep() throws IOException {
    assertThat(GraphConfig.defaults().rawRows()).isEqualTo(1_440);
    GraphStore store = open(GraphConfig.DEFAULT_RAW_ROWS);
    try {
      push(store, aDayAndAStep());

      QueryResult day = store.query("h/m/", Consolidation.AVERAGE, T + 60, T + DAY, 0).orElseThrow();

      assertThat(day.step()).as("the raw archive reaches back a day").isEqualTo(60);
      assertThat(day.size()).isEqualTo(1_440);
      assertThat(day.timestamps()[0]).isEqualTo(T + 60);
      assertThat(day.timestamps()[1_439]).isEqualTo(T + DAY);
      assertThat(day.values()[0]).as("step T+60: its one sample").isEqualTo(1.0);
      assertThat(day.values()[1]).isEqualTo(2.0);
      assertThat(day.values()[699]).as("step T+60*700: 700 for 30 s, then 0 for 30 s").isEqualTo(350.0);
      assertThat(day.values()[1_438]).isEqualTo(1_439.0);
      assertThat(day.values()[1_439]).as("the step in progress, provisional").isEqualTo(1_440.0);
      for (int i = 0; i < 1_440; i++) {
        assertThat(day.values()[i]).as("point %d", i).isEqualTo(i == 699 ? 350.0 : i + 1.0);
      }
      QueryResult aligned = store.query("h/m/", Consolidation.AVERAGE, T, T + DAY, 0).orElseThrow();
      assertThat(aligned.step()).as("a day with both ends included (as Grafana aligns it) is raw too")
          .isEqualTo(60);
      assertThat(aligned.size()).isEqualTo(1_441);
      assertThat(aligned.values()[0]).as("the oldest row of the ring, T").isEqualTo(0.0);
      assertThat(aligned.values()[1_440]).isEqualTo(1_440.0);
      assertThat(store.query("h/m/", Consolidation.AVERAGE, T - 60, T + DAY, 0).orElseThrow().step())
          .as("a step more than the ring holds").isEqualTo(300);
      assertThat(store.query("h/m/", Consolidation.MAX, T + 60, T + DAY, 0).orElseThrow().step())
          .as("MAX over a day reads the raw archive too").isEqualTo(60);
      QueryResult fiveMin = store.query("h/m/", Consolidation.AVERAGE, T + 300, T + 600, 300).orElseThrow();
      assertThat(fiveMin.values()).as("the 5-step archive is still there: (1..5)/5, (6..10)/5")
          .containsExactly(3.0, 8.0);
    } finally {
      store.close();
    }
  }

  @Test
  void openFalconsLengthServesTheSameDayFromTheFiveMinuteArchive() throws IOException {
    GraphStore store = open(GraphConfig.OPEN_FALCON_RAW_ROWS);
    try {
      push(store, aDayAndAStep());

      QueryResult day = store.query("h/m/", Consolidation.AVERAGE, T + 60, T + DAY, 0).orElseThrow();

      assertThat(day.step()).as("720 raw rows hold 12 h").isEqualTo(300);
      assertThat(day.values()[0]).isEqualTo(3.0);
    } finally {
      store.close();
    }
  }

  @Test
  void aDirectoryWrittenWithAnotherRawLengthIsRefusedNamingBothAndKeptIntact() throws IOException {
    GraphStore store = open(1_440);
    push(store, List.of(TestSamples.gauge("h", "m", "", 5, T)));
    store.close();

    GraphStore other = new GraphStore(GraphConfig.defaults().withDataDir(dir.toString()).withRawRows(720), registry,
        drops);
    assertThatThrownBy(other::start).isInstanceOf(IOException.class)
        .hasMessageContaining("written with graph.rawRows 1440")
        .hasMessageContaining("graph.rawRows is 720")
        .hasMessageContaining("empty graph.dataDir");
    other.close();
    assertThat(aside()).as("nothing moved aside").isEmpty();
    assertThat(registry.get("graph_corrupt_files").counter().count()).isZero();

    GraphStore again = open(1_440);
    try {
      assertThat(again.query("h/m/", Consolidation.AVERAGE, T, T, 0).orElseThrow().values()).containsExactly(5.0);
    } finally {
      again.close();
    }
  }

  @Test
  void segmentsOfEarlierBuildsOpenWith720RowsAndAreRefusedWithOthers() throws IOException {
    GraphStore store = open(720);
    push(store, List.of(TestSamples.gauge("h", "m", "", 5, T)));
    store.close();
    Path seg = dir.resolve("segments/seg-00000.dat");
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      // builds before graph.rawRows left this header field 0
      ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0), Segment.RAW_ROWS_AT);
    }

    GraphStore other = new GraphStore(GraphConfig.defaults().withDataDir(dir.toString()), registry, drops);
    assertThatThrownBy(other::start).as("the default (a day) refuses a directory of the earlier default")
        .hasMessageContaining("written with graph.rawRows 720")
        .hasMessageContaining("graph.rawRows is 1440")
        .hasMessageContaining("needs graph.rawRows: 720");
    other.close();
    assertThat(aside()).as("nothing moved aside").isEmpty();

    GraphStore same = open(720);
    try {
      assertThat(same.query("h/m/", Consolidation.AVERAGE, T, T, 0).orElseThrow().values()).containsExactly(5.0);
      assertThat(registry.get("graph_corrupt_files").counter().count()).isZero();
    } finally {
      same.close();
    }
  }

  private Path[] aside() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("segments"))) {
      return files.filter(p -> p.getFileName().toString().contains(".corrupt-")).toArray(Path[]::new);
    }
  }
}
