package io.peregrine.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peregrine.proto.v1.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The collectors against this machine's own /proc (the build runs on Linux). */
class RealHostCollectionTest {
  private List<Sample> round(List<Collector> collectors) throws Exception {
    List<Sample> out = new ArrayList<>();
    SampleEmitter emitter = new SampleEmitter("this-host", 1_700_000_000L, 10, out::add);
    for (Collector c : collectors) {
      c.collect(emitter);
    }
    return out;
  }

  private static Optional<Double> value(List<Sample> samples, String metric) {
    return samples.stream().filter(s -> s.getMetric().equals(metric)).map(Sample::getValue).findFirst();
  }

  @Test
  void realProcYieldsSaneCpuAndMemory() throws Exception {
    HostPaths paths = HostPaths.resolve("", "", "");
    assertThat(paths.hasProcfs()).as("this test needs a Linux procfs at %s", paths.proc()).isTrue();
    List<Collector> collectors = Collectors.forHost(paths);
    assertThat(collectors).extracting(Collector::name)
        .contains("agent", "cpu", "load", "mem", "net", "disk", "kernel", "df");
    List<Sample> first = round(collectors);
    assertThat(value(first, "agent.alive")).contains(1.0);
    assertThat(value(first, "mem.memtotal")).hasValueSatisfying(v -> assertThat(v).isPositive());
    assertThat(value(first, "mem.memused.percent")).hasValueSatisfying(v -> assertThat(v).isBetween(0.0, 100.0));
    assertThat(value(first, "load.1min")).hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(0.0));
    assertThat(value(first, "kernel.maxfiles")).hasValueSatisfying(v -> assertThat(v).isPositive());
    // cpu.idle needs a second snapshot with some jiffies between them
    List<List<Sample>> later = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      List<Sample> s = round(collectors);
      later.add(s);
      return value(s, "cpu.idle").isPresent();
    });
    List<Sample> last = later.get(later.size() - 1);
    assertThat(value(last, "cpu.idle")).hasValueSatisfying(v -> assertThat(v).isBetween(0.0, 100.0));
    assertThat(value(last, "cpu.busy").orElseThrow() + value(last, "cpu.idle").orElseThrow())
        .isCloseTo(100.0, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void oshiFallbackGivesTheSameCpuAndMemoryMetrics() throws Exception {
    OshiCollector oshi = new OshiCollector();
    List<Sample> first = round(List.of(oshi));
    assertThat(value(first, "mem.memtotal")).hasValueSatisfying(v -> assertThat(v).isPositive());
    assertThat(value(first, "mem.swapfree.percent")).hasValueSatisfying(v -> assertThat(v).isBetween(0.0, 100.0));
    // OSHI memoizes CPU ticks briefly: snapshots at least a second apart
    List<Sample> last = new ArrayList<>();
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(1100)).until(() -> {
      last.clear();
      last.addAll(round(List.of(oshi)));
      return value(last, "cpu.idle").isPresent();
    });
    assertThat(value(last, "cpu.idle")).hasValueSatisfying(v -> assertThat(v).isBetween(0.0, 100.0));
  }
}
