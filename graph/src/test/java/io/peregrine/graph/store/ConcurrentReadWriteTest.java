package io.peregrine.graph.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.graph.GraphConfig;
import io.peregrine.proto.v1.Consolidation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentReadWriteTest {
  static final long T = 1_699_999_200L;

  @TempDir Path dir;

  @Test
  void readsDuringWritesSeeWholeSamplesAndNeverFail() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GraphStore store = new GraphStore(GraphConfig.defaults().withDataDir(dir.toString()), registry,
        new Drops(registry));
    store.start();
    int series = 50;
    int rounds = 400;
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    Thread reader = new Thread(() -> {
      while (!done.get()) {
        for (int s = 0; s < series; s++) {
          try {
            double[] v = store.query("h" + s + "/m/", Consolidation.AVERAGE, T, T + 60L * rounds, 0)
                .map(QueryResult::values).orElse(new double[0]);
            // every known value is a round number the writer pushed (value = round): never a torn mix
            for (int i = 0; i < v.length; i++) {
              if (!Double.isNaN(v[i]) && v[i] != i) {
                problems.add("h" + s + " point " + i + " = " + v[i]);
              }
            }
          } catch (RuntimeException e) {
            problems.add(e.toString());
          }
        }
      }
    });
    reader.start();
    try {
      for (int r = 0; r < rounds; r++) {
        for (int s = 0; s < series; s++) {
          while (store.offer(TestSamples.gauge("h" + s, "m", "", r, T + 60L * r)) != Admission.ACCEPTED) {
            Thread.onSpinWait();
          }
        }
      }
      await().atMost(Duration.ofSeconds(20))
          .until(() -> registry.get("graph_stored_samples").counter().count() == series * rounds);
    } finally {
      done.set(true);
      reader.join();
      store.close();
    }
    assertThat(problems).isEmpty();
  }
}
