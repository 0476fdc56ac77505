package io.peregrine.agent;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The agent's registry: its own meters plus the process's memory, CPU and threads read from {@code /proc/self} when
 * scraped. Not common's {@code SelfMetrics}: micrometer's JVM binders go through JMX ({@code javax.management},
 * {@code sun.management}, a GC notification listener), ~250 classes resident in a process that runs on every node
 * for meters nobody alerts on. Without procfs (macOS) the process meters read NaN; heap use comes from
 * {@link Runtime}.
 */
final class AgentMeters {
  /** procfs reports process times in USER_HZ, which Linux fixes at 100 for every architecture it exports them on. */
  private static final double USER_HZ = 100.0;
  private static final Path STAT = Path.of("/proc/self/stat");
  private static final Path STATUS = Path.of("/proc/self/status");

  private AgentMeters() {}

  static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("component", "agent");
    Gauge.builder("process_resident_memory_bytes", () -> statusKib("VmRSS:") * 1024)
        .description("resident set size of the agent process (VmRSS)").baseUnit("bytes").register(registry);
    Gauge.builder("process_threads", () -> statusKib("Threads:"))
        .description("threads of the agent process").register(registry);
    FunctionCounter.builder("process_cpu_time", STAT, AgentMeters::cpuSeconds)
        .description("CPU time of the agent process, user + system").baseUnit("seconds").register(registry);
    Runtime runtime = Runtime.getRuntime();
    Gauge.builder("jvm_heap_used", runtime, r -> r.totalMemory() - r.freeMemory())
        .description("Java heap in use (committed minus free)").baseUnit("bytes").register(registry);
    Gauge.builder("jvm_heap_committed", runtime, Runtime::totalMemory)
        .description("Java heap committed").baseUnit("bytes").register(registry);
    return registry;
  }

  /** utime + stime of {@code /proc/self/stat} (fields 14 and 15, counted after the parenthesised command). */
  static double cpuSeconds(Path stat) {
    try {
      String s = Files.readString(stat, StandardCharsets.US_ASCII);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / USER_HZ;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** A {@code kB} (or plain count) line of {@code /proc/self/status}. */
  private static double statusKib(String field) {
    try {
      for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
        if (line.startsWith(field)) {
          String v = line.substring(field.length()).trim();
          int space = v.indexOf(' ');
          return Long.parseLong(space < 0 ? v : v.substring(0, space));
        }
      }
    } catch (IOException | RuntimeException e) {
      // no procfs
    }
    return Double.NaN;
  }
}
