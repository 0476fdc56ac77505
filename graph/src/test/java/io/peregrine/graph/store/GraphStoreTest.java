package io.peregrine.graph.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.graph.GraphConfig;
import io.peregrine.proto.v1.Consolidation;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphStoreTest {
  static final long T = 1_699_999_200L;

  @TempDir Path dir;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  Drops drops = new Drops(registry);

  GraphStore store(int capacity) {
    return new GraphStore(GraphConfig.defaults().withDataDir(dir.toString()).withWriteQueueCapacity(capacity),
        registry, drops);
  }

  double stored() {
    return registry.get("graph_stored_samples").counter().count();
  }

  @Test
  void fullQueueRefusesInsteadOfBlocking() throws IOException {
    GraphStore store = store(2);
    StoreHooks.openWithoutWriter(store);
    try {
      assertThat(store.offer(TestSamples.gauge("h", "m", "", 1, T))).isEqualTo(Admission.ACCEPTED);
      assertThat(store.offer(TestSamples.gauge("h", "m", "", 2, T + 60))).isEqualTo(Admission.ACCEPTED);
      assertThat(store.offer(TestSamples.gauge("h", "m", "", 3, T + 120))).isEqualTo(Admission.QUEUE_FULL);
      assertThat(store.queueSize()).isEqualTo(2);
      assertThat(registry.get("graph_write_queue_size").gauge().value()).isEqualTo(2.0);
    } finally {
      store.close();
    }
    assertThat(drops.total("shutdown")).as("queued samples no writer took").isEqualTo(2);
  }

  @Test
  void refusesSamplesWhenNotRunning() throws IOException {
    GraphStore store = store(10);
    assertThat(store.offer(TestSamples.gauge("h", "m", "", 1, T))).isEqualTo(Admission.NOT_RUNNING);
    store.start();
    store.close();
    assertThat(store.offer(TestSamples.gauge("h", "m", "", 1, T))).isEqualTo(Admission.NOT_RUNNING);
  }

  @Test
  void closeWritesEverythingQueuedBeforeClosingFiles() throws IOException {
    GraphStore store = store(100_000);
    store.start();
    int n = 2_000;
    for (int i = 0; i < n; i++) {
      assertThat(store.offer(TestSamples.gauge("h" + (i % 100), "m", "", i, T + 60L * (i / 100))))
          .isEqualTo(Admission.ACCEPTED);
    }
    store.close();

    assertThat(stored()).isEqualTo(n);
    GraphStore reopened = store(10);
    reopened.start();
    try {
      assertThat(reopened.seriesCount()).isEqualTo(100);
      assertThat(reopened.last("h7/m/").orElseThrow()).isEqualTo(new LastPoint(T + 60L * 19, 1_907));
    } finally {
      reopened.close();
    }
  }

  @Test
  void seriesKeysWithAnyCharactersGetSafeFileNames() throws IOException {
    GraphStore store = store(10);
    store.start();
    try {
      Sample odd = TestSamples.gauge("10.0.0.1:8080/../x", "http.latency:p99", "path=/a/b c", 1, T);
      store.offer(odd);
      await().atMost(Duration.ofSeconds(10)).until(() -> stored() == 1);

      SeriesMeta meta = store.series(SeriesKey.of(odd)).orElseThrow();
      assertThat(meta.slot()).isZero();
      assertThat(store.list("10.0.0.1:8080/../x", "", 10).series()).containsExactly(meta);
      assertThat(store.query(SeriesKey.of(odd), Consolidation.AVERAGE, T, T, 0).orElseThrow().values())
          .containsExactly(1.0);
    } finally {
      store.close();
    }
  }

  @Test
  void aTornLastIndexLineIsCutOffAndTheRestLoads() throws IOException {
    GraphStore store = store(10);
    store.start();
    store.offer(TestSamples.gauge("h", "kept", "", 1, T));
    await().atMost(Duration.ofSeconds(10)).until(() -> stored() == 1);
    store.close();
    Path index = dir.resolve(SeriesIndex.FILE_NAME);
    Files.writeString(index, "{\"op\":\"add\",\"slot\":9,\"endp", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);

    GraphStore reopened = store(10);
    reopened.start();
    try {
      assertThat(reopened.seriesCount()).isEqualTo(1);
      reopened.offer(TestSamples.gauge("h", "added", "", 1, T));
      await().atMost(Duration.ofSeconds(10)).until(() -> reopened.seriesCount() == 2);
    } finally {
      reopened.close();
    }
    assertThat(Files.readAllLines(index)).hasSize(2).allMatch(l -> l.startsWith("{\"op\":\"add\""));
  }

  @Test
  void seriesBeyondMaxSeriesAreDroppedAndCounted() throws IOException {
    GraphStore store = new GraphStore(GraphConfig.defaults().withDataDir(dir.toString()).withMaxSeries(2), registry,
        drops);
    store.start();
    try {
      for (String host : List.of("a", "b", "c")) {
        store.offer(TestSamples.gauge(host, "m", "", 1, T));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> stored() + drops.total("series_limit") == 3);
      assertThat(store.seriesCount()).isEqualTo(2);
      assertThat(drops.total("series_limit")).isEqualTo(1);
      assertThat(store.last("c/m/")).isEmpty();
    } finally {
      store.close();
    }
  }

  @Test
  void oneMissedGaugeSampleIsFilledByTheNextAndALongerGapStaysUnknown() throws IOException {
    GraphStore store = store(10);
    store.start();
    try {
      store.offer(TestSamples.gauge("h", "m", "", 1, T));
      store.offer(TestSamples.gauge("h", "m", "", 2, T + 120)); // T + 60 missed: within the 2-step heartbeat
      store.offer(TestSamples.gauge("h", "m", "", 3, T + 360)); // three steps missed
      await().atMost(Duration.ofSeconds(10)).until(() -> stored() == 3);

      double[] v = store.query("h/m/", Consolidation.AVERAGE, T, T + 360, 0).orElseThrow().values();
      assertThat(v).hasSize(7);
      assertThat(v[0]).isEqualTo(1.0);
      assertThat(v[1]).isEqualTo(2.0);
      assertThat(v[2]).isEqualTo(2.0);
      assertThat(v[3]).isNaN();
      assertThat(v[4]).isNaN();
      assertThat(v[5]).isNaN();
      assertThat(v[6]).isEqualTo(3.0);
    } finally {
      store.close();
    }
  }

  @Test
  void aDataDirectoryServesOneStoreAtATime() throws IOException {
    GraphStore first = store(10);
    first.start();
    try {
      GraphStore second = store(10);
      assertThatThrownBy(second::start).isInstanceOf(IOException.class).hasMessageContaining("in use");
      second.close();
    } finally {
      first.close();
    }
  }

  @Test
  void rangesNeedingTooManyPointsAreRefused() throws IOException {
    GraphStore store = store(10);
    store.start();
    try {
      store.offer(TestSamples.gauge("h", "m", "", 1, T));
      await().atMost(Duration.ofSeconds(10)).until(() -> stored() == 1);

      assertThat(store.query("h/m/", Consolidation.AVERAGE, T - 600, T, 0)).isPresent();
      assertThatThrownBy(() -> store.query("h/m/", Consolidation.AVERAGE, 0, T + 100L * 365 * 86_400, 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than the 10000 allowed");
      assertThat(store.query("h/unknown/", Consolidation.AVERAGE, T, T, 0)).isEmpty();
    } finally {
      store.close();
    }
    assertThat(List.of(drops.total("shutdown"))).containsExactly(0L);
  }
}
