package io.peregrine.graph.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.graph.GraphConfig;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** graph.memoryBudget: new series are refused once the index's share is spent; existing series go on. */
class MemoryBudgetTest {
  static final long T = 1_699_999_200L;
  /** Keys of the same length ("h/m1/"), so each series is reckoned at the same bytes. */
  static final long PER_SERIES = HeapEstimate.series("h/m1/");
  static final int QUEUE = 10;

  @TempDir Path dir;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  Drops drops = new Drops(registry);

  /** A budget with room for exactly {@code series} series besides the queue's share. */
  GraphConfig config(int series) {
    return GraphConfig.defaults().withDataDir(dir.toString()).withWriteQueueCapacity(QUEUE)
        .withMemoryBudget((long) QUEUE * GraphConfig.QUEUED_SAMPLE_BYTES + series * PER_SERIES);
  }

  GraphStore open(GraphConfig config) throws IOException {
    GraphStore s = new GraphStore(config, registry, drops);
    s.start();
    return s;
  }

  /** Offers one sample and waits until the writer stored or dropped it. */
  void push(GraphStore store, Sample s) {
    double before = handled();
    assertThat(store.offer(s)).isEqualTo(Admission.ACCEPTED);
    await().atMost(Duration.ofSeconds(10)).until(() -> handled() > before);
  }

  double handled() {
    return registry.get("graph_stored_samples").counter().count() + drops.total("memory_budget");
  }

  @Test
  void newSeriesBeyondTheBudgetAreDroppedAndCountedWhileExistingSeriesIngest() throws IOException {
    GraphStore store = open(config(3));
    try {
      for (int i = 1; i <= 5; i++) {
        push(store, TestSamples.gauge("h", "m" + i, "", i, T));
      }
      assertThat(store.seriesCount()).isEqualTo(3);
      assertThat(store.series("h/m4/")).isEmpty();
      assertThat(drops.total("memory_budget")).isEqualTo(2);
      assertThat(registry.get("graph_memory_reckoned_bytes").gauge().value())
          .isEqualTo((double) config(3).memoryBudget());
      assertThat(registry.get("graph_memory_budget_bytes").gauge().value())
          .isEqualTo((double) config(3).memoryBudget());

      push(store, TestSamples.gauge("h", "m1", "", 10, T + 60));
      assertThat(store.last("h/m1/").orElseThrow()).as("an existing series keeps ingesting")
          .isEqualTo(new LastPoint(T + 60, 10));
      assertThat(drops.total("memory_budget")).isEqualTo(2);

      assertThat(store.delete("h", "m2", "", false)).isEqualTo(1);
      push(store, TestSamples.gauge("h", "m4", "", 4, T + 60));
      assertThat(store.series("h/m4/")).as("a deleted series' share is free again").isPresent();
      assertThat(drops.total("memory_budget")).isEqualTo(2);
    } finally {
      store.close();
    }
  }

  @Test
  void seriesLoadedBeyondALoweredBudgetAreKeptAndIngest() throws IOException {
    GraphStore store = open(config(3));
    for (int i = 1; i <= 3; i++) {
      push(store, TestSamples.gauge("h", "m" + i, "", i, T));
    }
    store.close();

    GraphStore reopened = open(config(1));
    try {
      assertThat(reopened.seriesCount()).isEqualTo(3);
      push(reopened, TestSamples.gauge("h", "m3", "", 30, T + 60));
      assertThat(reopened.last("h/m3/").orElseThrow()).isEqualTo(new LastPoint(T + 60, 30));
      push(reopened, TestSamples.gauge("h", "m9", "", 9, T + 60));
      assertThat(reopened.series("h/m9/")).isEmpty();
      assertThat(drops.total("memory_budget")).isEqualTo(1);
    } finally {
      reopened.close();
    }
  }

  @Test
  void theBudgetIsBytesFromConfigAndMustLeaveRoomBesidesTheQueue() {
    GraphConfig c = new ConfigLoader().load(null, GraphConfig.class, GraphConfig.defaults(),
        Map.of("PEREGRINE_MEMORY_BUDGET", "268435456"));
    assertThat(c.memoryBudget()).isEqualTo(256L << 20);
    assertThat(GraphConfig.defaults().memoryBudget()).isEqualTo(512L << 20);
    assertThatThrownBy(() -> GraphConfig.defaults().withMemoryBudget(60_000_000))
        .hasMessageContaining("graph.memoryBudget").hasMessageContaining("graph.writeQueueCapacity 200000");
  }
}
