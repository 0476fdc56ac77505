package io.peregrine.agent.container;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.agent.collect.SampleEmitter;
import io.peregrine.agent.collect.SampleSink;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container collector alone over a {@link FixtureCgroups} tree, for profiling:
 * {@code java -cp ... io.peregrine.agent.container.ContainerCollectorBench DIR [PODS] [ROUNDS] [WARMUP]} writes the
 * tree when DIR has none, runs WARMUP rounds (default 40), then ROUNDS (default 200), and logs this thread's CPU time
 * and allocation per round: samples counted as fields (no {@code Sample} built), no shipping, no kubelet (tags by
 * container id), pod network from {@code /proc}.
 */
public final class ContainerCollectorBench {
  private static final Logger log = LoggerFactory.getLogger(ContainerCollectorBench.class);

  private ContainerCollectorBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: ContainerCollectorBench DIR [PODS] [ROUNDS] [WARMUP]");
    }
    Path dir = Path.of(args[0]);
    int pods = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 40;
    if (!Files.exists(dir.resolve("cgroup.controllers"))) {
      FixtureCgroups.write(dir, pods, "1");
    }
    ContainerCollector collector = new ContainerCollector(new CgroupTree(dir), new PodNetwork(Path.of("/proc")),
        null, "bench", List.of(), 10_000, System::nanoTime, new SimpleMeterRegistry());
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] samples = {0};
    SampleSink count = (endpoint, metric, tags, value, type, timestamp, step) -> {
      samples[0]++;
      return true;
    };
    for (int i = 0; i < warmup; i++) {
      collector.collect(new SampleEmitter("bench", 1, 10, count));
    }
    samples[0] = 0;
    long cpu0 = threads.getCurrentThreadCpuTime();
    long user0 = threads.getCurrentThreadUserTime();
    long alloc0 = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    for (int i = 0; i < rounds; i++) {
      collector.collect(new SampleEmitter("bench", 1, 10, count));
    }
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    long user = threads.getCurrentThreadUserTime() - user0;
    long alloc = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - alloc0;
    log.info(String.format(Locale.ROOT, "container collector bench: %d rounds over %s: %.2f ms CPU per round "
        + "(%.2f ms user, %.2f ms system), %,d bytes allocated per round, %d samples per round", rounds, dir,
        cpu / 1e6 / rounds, user / 1e6 / rounds, (cpu - user) / 1e6 / rounds, alloc / rounds,
        samples[0] / rounds));
  }
}
