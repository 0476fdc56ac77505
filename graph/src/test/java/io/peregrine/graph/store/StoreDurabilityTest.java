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
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart, a killed process, damaged files and old data directories. */
class StoreDurabilityTest {
  static final long T = 1_699_999_200L;

  @TempDir Path dir;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  Drops drops = new Drops(registry);

  GraphStore open() throws IOException {
    GraphStore s = new GraphStore(GraphConfig.defaults().withDataDir(dir.toString()), registry, drops);
    s.start();
    return s;
  }

  void push(GraphStore store, Sample... samples) {
    double before = stored();
    for (Sample s : samples) {
      store.offer(s);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> stored() >= before + samples.length);
  }

  double stored() {
    return registry.get("graph_stored_samples").counter().count();
  }

  @Test
  void aKilledProcessLosesNothingTheWriterApplied() throws IOException {
    GraphStore store = open();
    push(store, TestSamples.gauge("h", "m", "", 1, T), TestSamples.gauge("h", "m", "", 2, T + 60),
        TestSamples.gauge("h", "m", "", 3, T + 90), TestSamples.counter("h", "c", "", 100, T),
        TestSamples.counter("h", "c", "", 160, T + 60));
    StoreHooks.kill(store); // no flush, no close

    GraphStore reopened = open();
    try {
      assertThat(reopened.seriesCount()).isEqualTo(2);
      assertThat(reopened.query("h/m/", Consolidation.AVERAGE, T, T + 60, 0).orElseThrow().values())
          .as("the open step with its two samples survives too").containsExactly(1.0, 2.5);
      assertThat(reopened.last("h/c/").orElseThrow()).isEqualTo(new LastPoint(T + 60, 160));
      push(reopened, TestSamples.counter("h", "c", "", 280, T + 120));
      assertThat(reopened.query("h/c/", Consolidation.AVERAGE, T + 60, T + 120, 0).orElseThrow().values())
          .as("the counter's previous reading survived: the next rate is known").containsExactly(1.0, 2.0);
    } finally {
      reopened.close();
    }
  }

  @Test
  void aCrashBetweenFlushesKeepsWhatWasFlushedAndWhatWasAppliedSince() throws IOException {
    GraphStore store = new GraphStore(GraphConfig.defaults().withDataDir(dir.toString())
        .withFlushInterval(Duration.ofMillis(100)), registry, drops);
    store.start();
    push(store, TestSamples.gauge("h", "m", "", 1, T));
    double flushes = registry.get("graph_flush").timer().count();
    await("graph.flushInterval forces the applied sample to disk").atMost(Duration.ofSeconds(10))
        .until(() -> registry.get("graph_flush").timer().count() > flushes);
    push(store, TestSamples.gauge("h", "m", "", 2, T + 60), TestSamples.gauge("h", "n", "", 3, T + 60));
    StoreHooks.kill(store); // between two flushes: the second push may not be on the disk yet, only in the page cache

    GraphStore reopened = open();
    try {
      assertThat(reopened.seriesCount()).isEqualTo(2);
      assertThat(reopened.query("h/m/", Consolidation.AVERAGE, T, T + 60, 0).orElseThrow().values())
          .containsExactly(1.0, 2.0);
      assertThat(reopened.last("h/n/").orElseThrow()).isEqualTo(new LastPoint(T + 60, 3));
    } finally {
      reopened.close();
    }
  }

  @Test
  void whatAKilledProcessLosesIsItsWriteQueue() throws IOException {
    GraphStore store = new GraphStore(GraphConfig.defaults().withDataDir(dir.toString()), registry, drops);
    StoreHooks.openWithoutWriter(store);
    assertThat(store.offer(TestSamples.gauge("h", "m", "", 1, T))).isEqualTo(Admission.ACCEPTED);
    assertThat(store.queueSize()).isEqualTo(1);
    StoreHooks.kill(store);

    GraphStore reopened = open();
    try {
      assertThat(reopened.seriesCount()).as("the queued sample was never applied").isZero();
    } finally {
      reopened.close();
    }
  }

  @Test
  void aTruncatedSegmentIsMovedAsideAndTheNodeStarts() throws IOException {
    GraphStore store = open();
    push(store, TestSamples.gauge("h", "m", "", 1, T));
    store.close();
    Path seg = dir.resolve("segments/seg-00000.dat");
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }

    GraphStore reopened = open();
    try {
      assertThat(registry.get("graph_corrupt_files").counter().count()).isEqualTo(1.0);
      assertThat(aside()).hasSize(1);
      assertThat(reopened.seriesCount()).as("the series keeps its name").isEqualTo(1);
      assertThat(reopened.last("h/m/")).as("its history is gone").isEmpty();
      push(reopened, TestSamples.gauge("h", "m", "", 7, T + 60));
      assertThat(reopened.query("h/m/", Consolidation.AVERAGE, T + 60, T + 60, 0).orElseThrow().values())
          .containsExactly(7.0);
    } finally {
      reopened.close();
    }
  }

  @Test
  void aSegmentWithADamagedHeaderIsMovedAside() throws IOException {
    GraphStore store = open();
    push(store, TestSamples.gauge("h", "m", "", 1, T));
    store.close();
    try (FileChannel ch = FileChannel.open(dir.resolve("segments/seg-00000.dat"), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap("garbage!".getBytes()), 0);
    }

    GraphStore reopened = open();
    try {
      assertThat(registry.get("graph_corrupt_files").counter().count()).isEqualTo(1.0);
      assertThat(reopened.healthy()).isTrue();
    } finally {
      reopened.close();
    }
  }

  @Test
  void unreadableLinesOfTheSeriesLogAreSkipped() throws IOException {
    GraphStore store = open();
    push(store, TestSamples.gauge("h", "a", "", 1, T));
    store.close();
    Files.writeString(dir.resolve(SeriesIndex.FILE_NAME), "not json at all\n", StandardOpenOption.APPEND);

    GraphStore reopened = open();
    try {
      assertThat(reopened.seriesCount()).isEqualTo(1);
      assertThat(registry.get("graph_corrupt_files").counter().count()).isEqualTo(1.0);
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .anyMatch(n -> n.startsWith(SeriesIndex.FILE_NAME + ".corrupt-"));
      }
      push(reopened, TestSamples.gauge("h", "b", "", 1, T));
      assertThat(reopened.seriesCount()).isEqualTo(2);
    } finally {
      reopened.close();
    }
    GraphStore third = open();
    try {
      assertThat(third.seriesCount()).isEqualTo(2);
      assertThat(registry.get("graph_corrupt_files").counter().count()).as("the log was rewritten clean")
          .isEqualTo(1.0);
    } finally {
      third.close();
    }
  }

  @Test
  void aSlotLeftByALostLogLineStartsEmptyForTheNextSeries() throws IOException {
    GraphStore store = open();
    push(store, TestSamples.gauge("h", "a", "", 1, T), TestSamples.gauge("h", "a", "", 2, T + 60));
    StoreHooks.kill(store);
    // the crash came after the writer applied the samples, before the series log line was written
    Files.writeString(dir.resolve(SeriesIndex.FILE_NAME), "");

    GraphStore reopened = open();
    try {
      assertThat(reopened.seriesCount()).isZero();
      push(reopened, Sample.newBuilder().setEndpoint("h").setMetric("b").setTags("").setValue(7)
          .setTimestamp(T + 30).setStep(30).setCounterType(io.peregrine.proto.v1.CounterType.GAUGE).build());
      QueryResult b = reopened.query("h/b/", Consolidation.AVERAGE, T - 60, T + 30, 0).orElseThrow();
      assertThat(b.step()).isEqualTo(30);
      assertThat(b.values()).as("nothing of h/a's history in the reused slot")
          .containsExactly(Double.NaN, Double.NaN, Double.NaN, 7.0);
    } finally {
      reopened.close();
    }
  }

  @Test
  void aSlotWhoseStateContradictsTheLogStartsAfreshAndIsCounted() throws IOException {
    GraphStore store = open();
    push(store, TestSamples.gauge("h", "m", "", 1, T));
    store.close();
    try (FileChannel ch = FileChannel.open(dir.resolve("segments/seg-00000.dat"), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0}), Segment.HEADER_BYTES + SlotState.STEP); // step 0
    }

    GraphStore reopened = open();
    try {
      push(reopened, TestSamples.gauge("h", "m", "", 4, T + 60));
      assertThat(registry.get("graph_damaged_slots").counter().count()).isEqualTo(1.0);
      assertThat(drops.total("write_error")).isZero();
      assertThat(reopened.query("h/m/", Consolidation.AVERAGE, T, T + 60, 0).orElseThrow().values())
          .containsExactly(Double.NaN, 4.0);
    } finally {
      reopened.close();
    }
  }

  @Test
  void anRrd4jDataDirectoryIsRefusedWithWhatToDo() throws IOException {
    Files.writeString(dir.resolve("series.idx"), "{}\n");
    GraphStore store = new GraphStore(GraphConfig.defaults().withDataDir(dir.toString()), registry, drops);
    assertThatThrownBy(store::start).isInstanceOf(IOException.class).hasMessageContaining("rrd4j")
        .hasMessageContaining("graph.dataDir");
    store.close();
  }

  private Path[] aside() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("segments"))) {
      return files.filter(p -> p.getFileName().toString().contains(".corrupt-")).toArray(Path[]::new);
    }
  }
}
