package io.peregrine.agent.container;

import io.peregrine.agent.collect.SampleEmitter;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns {@link CgroupStats} into samples under a prefix ({@code container} or {@code pod}); keeps the previous CPU
 * reading per cgroup for the percentages, and forgets cgroups that were not seen in a round (a container that
 * vanished, or restarted under a new id, starts again without a percentage for one round).
 */
final class CgroupMetrics {
  private record CpuReading(long nanos, long usage, long user, long system, long periods, long throttled) {}

  private Map<String, CpuReading> previous = new HashMap<>();
  private Map<String, CpuReading> current = new HashMap<>();

  void emit(SampleEmitter out, String prefix, String key, String tags, CgroupStats s, long nanos) {
    Map<String, Long> cpu = s.cpu();
    if (cpu.containsKey("usage_usec")) {
      CpuReading now = new CpuReading(nanos, cpu.get("usage_usec"), cpu.getOrDefault("user_usec", 0L),
          cpu.getOrDefault("system_usec", 0L), cpu.getOrDefault("nr_periods", 0L),
          cpu.getOrDefault("nr_throttled", 0L));
      current.put(key, now);
      CpuReading before = previous.get(key);
      double elapsedUsec = before == null ? 0 : (now.nanos - before.nanos) / 1000.0;
      if (before != null && elapsedUsec > 0 && now.usage >= before.usage) {
        out.gauge(prefix + ".cpu.usage.percent", tags, 100.0 * (now.usage - before.usage) / elapsedUsec);
        out.gauge(prefix + ".cpu.user.percent", tags, 100.0 * Math.max(0, now.user - before.user) / elapsedUsec);
        out.gauge(prefix + ".cpu.system.percent", tags,
            100.0 * Math.max(0, now.system - before.system) / elapsedUsec);
        long periods = now.periods - before.periods;
        if (periods > 0) {
          out.gauge(prefix + ".cpu.throttled.percent", tags, 100.0 * (now.throttled - before.throttled) / periods);
        }
      }
      out.counter(prefix + ".cpu.usage.seconds", tags, now.usage / 1e6);
      if (cpu.containsKey("nr_periods")) {
        out.counter(prefix + ".cpu.throttled.periods", tags, now.throttled);
        out.counter(prefix + ".cpu.throttled.seconds", tags, cpu.getOrDefault("throttled_usec", 0L) / 1e6);
      }
    }
    if (s.memoryCurrent() >= 0) {
      long ws = s.workingSet();
      out.gauge(prefix + ".mem.usage", tags, s.memoryCurrent());
      out.gauge(prefix + ".mem.working_set", tags, ws);
      if (s.memory().containsKey("anon")) {
        out.gauge(prefix + ".mem.rss", tags, s.memory().get("anon"));
      }
      if (s.memoryMax() > 0) {
        out.gauge(prefix + ".mem.limit", tags, s.memoryMax());
        out.gauge(prefix + ".mem.working_set.percent", tags, 100.0 * ws / s.memoryMax());
      }
    }
    if (s.memoryEvents().containsKey("oom_kill")) {
      out.counter(prefix + ".mem.oom_kill", tags, s.memoryEvents().get("oom_kill"));
    }
    emitIo(out, prefix, tags, s.io());
    if (s.pids() >= 0) {
      out.gauge(prefix + ".pids", tags, s.pids());
    }
    for (Map.Entry<String, Double> p : s.pressure().entrySet()) {
      out.gauge(prefix + ".pressure." + p.getKey(), tags, p.getValue());
    }
  }

  private static void emitIo(SampleEmitter out, String prefix, String tags, Map<String, Long> io) {
    for (String[] f : new String[][] {{"rbytes", "read.bytes"}, {"wbytes", "write.bytes"}, {"rios", "read.ops"},
        {"wios", "write.ops"}}) {
      Long v = io.get(f[0]);
      if (v != null) {
        out.counter(prefix + ".io." + f[1], tags, v);
      }
    }
  }

  void emitNetwork(SampleEmitter out, String tags, PodNetwork.Counters n) {
    out.counter("pod.net.in.bytes", tags, n.inBytes());
    out.counter("pod.net.in.packets", tags, n.inPackets());
    out.counter("pod.net.in.errors", tags, n.inErrors());
    out.counter("pod.net.in.dropped", tags, n.inDropped());
    out.counter("pod.net.out.bytes", tags, n.outBytes());
    out.counter("pod.net.out.packets", tags, n.outPackets());
    out.counter("pod.net.out.errors", tags, n.outErrors());
    out.counter("pod.net.out.dropped", tags, n.outDropped());
  }

  /** Ends a round: what was not read in it is forgotten. */
  void endRound() {
    previous = current;
    current = new HashMap<>();
  }

  /** The cgroups whose previous reading is kept (for tests). */
  Set<String> remembered() {
    return previous.keySet();
  }
}
