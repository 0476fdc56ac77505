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

  /** The metric names of one prefix, made once rather than concatenated for every sample. */
  private static final class Names {
    final String cpuUsagePercent;
    final String cpuUserPercent;
    final String cpuSystemPercent;
    final String cpuThrottledPercent;
    final String cpuUsageSeconds;
    final String cpuThrottledPeriods;
    final String cpuThrottledSeconds;
    final String memUsage;
    final String memWorkingSet;
    final String memRss;
    final String memLimit;
    final String memWorkingSetPercent;
    final String memOomKill;
    final String ioReadBytes;
    final String ioWriteBytes;
    final String ioReadOps;
    final String ioWriteOps;
    final String pids;
    final String[] pressure = new String[CgroupStats.PRESSURE_NAMES.length];

    Names(String p) {
      cpuUsagePercent = p + ".cpu.usage.percent";
      cpuUserPercent = p + ".cpu.user.percent";
      cpuSystemPercent = p + ".cpu.system.percent";
      cpuThrottledPercent = p + ".cpu.throttled.percent";
      cpuUsageSeconds = p + ".cpu.usage.seconds";
      cpuThrottledPeriods = p + ".cpu.throttled.periods";
      cpuThrottledSeconds = p + ".cpu.throttled.seconds";
      memUsage = p + ".mem.usage";
      memWorkingSet = p + ".mem.working_set";
      memRss = p + ".mem.rss";
      memLimit = p + ".mem.limit";
      memWorkingSetPercent = p + ".mem.working_set.percent";
      memOomKill = p + ".mem.oom_kill";
      ioReadBytes = p + ".io.read.bytes";
      ioWriteBytes = p + ".io.write.bytes";
      ioReadOps = p + ".io.read.ops";
      ioWriteOps = p + ".io.write.ops";
      pids = p + ".pids";
      for (int i = 0; i < pressure.length; i++) {
        pressure[i] = p + "." + CgroupStats.PRESSURE_NAMES[i];
      }
    }
  }

  private final Map<String, Names> names = new HashMap<>();
  private Map<String, CpuReading> previous = new HashMap<>();
  private Map<String, CpuReading> current = new HashMap<>();

  void emit(SampleEmitter out, String prefix, String key, String tags, CgroupStats s, long nanos) {
    Names n = names.computeIfAbsent(prefix, Names::new);
    if (s.usageUsec >= 0) {
      CpuReading now = new CpuReading(nanos, s.usageUsec, Math.max(0, s.userUsec), Math.max(0, s.systemUsec),
          Math.max(0, s.periods), Math.max(0, s.throttled));
      current.put(key, now);
      CpuReading before = previous.get(key);
      double elapsedUsec = before == null ? 0 : (now.nanos - before.nanos) / 1000.0;
      if (before != null && elapsedUsec > 0 && now.usage >= before.usage) {
        out.gauge(n.cpuUsagePercent, tags, 100.0 * (now.usage - before.usage) / elapsedUsec);
        out.gauge(n.cpuUserPercent, tags, 100.0 * Math.max(0, now.user - before.user) / elapsedUsec);
        out.gauge(n.cpuSystemPercent, tags, 100.0 * Math.max(0, now.system - before.system) / elapsedUsec);
        long periods = now.periods - before.periods;
        if (periods > 0) {
          out.gauge(n.cpuThrottledPercent, tags, 100.0 * (now.throttled - before.throttled) / periods);
        }
      }
      out.counter(n.cpuUsageSeconds, tags, now.usage / 1e6);
      if (s.periods >= 0) {
        out.counter(n.cpuThrottledPeriods, tags, now.throttled);
        out.counter(n.cpuThrottledSeconds, tags, Math.max(0, s.throttledUsec) / 1e6);
      }
    }
    if (s.memoryCurrent >= 0) {
      long ws = s.workingSet();
      out.gauge(n.memUsage, tags, s.memoryCurrent);
      out.gauge(n.memWorkingSet, tags, ws);
      if (s.anon >= 0) {
        out.gauge(n.memRss, tags, s.anon);
      }
      if (s.memoryMax > 0) {
        out.gauge(n.memLimit, tags, s.memoryMax);
        out.gauge(n.memWorkingSetPercent, tags, 100.0 * ws / s.memoryMax);
      }
    }
    if (s.oomKill >= 0) {
      out.counter(n.memOomKill, tags, s.oomKill);
    }
    counterIfKnown(out, n.ioReadBytes, tags, s.readBytes);
    counterIfKnown(out, n.ioWriteBytes, tags, s.writeBytes);
    counterIfKnown(out, n.ioReadOps, tags, s.readOps);
    counterIfKnown(out, n.ioWriteOps, tags, s.writeOps);
    if (s.pids >= 0) {
      out.gauge(n.pids, tags, s.pids);
    }
    for (int i = 0; i < n.pressure.length; i++) {
      if (!Double.isNaN(s.pressure[i])) {
        out.gauge(n.pressure[i], tags, s.pressure[i]);
      }
    }
  }

  private static void counterIfKnown(SampleEmitter out, String metric, String tags, long value) {
    if (value >= 0) {
      out.counter(metric, tags, value);
    }
  }

  void emitNetwork(SampleEmitter out, String tags, long[] n) {
    out.counter("pod.net.in.bytes", tags, n[0]);
    out.counter("pod.net.in.packets", tags, n[1]);
    out.counter("pod.net.in.errors", tags, n[2]);
    out.counter("pod.net.in.dropped", tags, n[3]);
    out.counter("pod.net.out.bytes", tags, n[4]);
    out.counter("pod.net.out.packets", tags, n[5]);
    out.counter("pod.net.out.errors", tags, n[6]);
    out.counter("pod.net.out.dropped", tags, n[7]);
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
