package io.peregrine.agent.container;

import java.util.Arrays;

/**
 * One reading of a cgroup's accounting files, in cgroup v2's units whichever version they came from; -1 (NaN for
 * pressure) is a value the host does not offer (a controller not enabled for the subtree, PSI off, cgroup v1's
 * missing pressure), and its metrics are left out. Reused from cgroup to cgroup: {@link #clear} before each.
 */
final class CgroupStats {
  static final int CPU_SOME = 0;
  static final int CPU_FULL = 1;
  static final int MEMORY_SOME = 2;
  static final int MEMORY_FULL = 3;
  static final int IO_SOME = 4;
  static final int IO_FULL = 5;
  static final String[] PRESSURE_NAMES = {"pressure.cpu.some.avg10", "pressure.cpu.full.avg10",
      "pressure.memory.some.avg10", "pressure.memory.full.avg10", "pressure.io.some.avg10",
      "pressure.io.full.avg10"};

  /** CPU time in microseconds: total, user, system. */
  long usageUsec;
  long userUsec;
  long systemUsec;
  /** CFS bandwidth periods, throttled periods, throttled time (microseconds); -1 without a CPU limit. */
  long periods;
  long throttled;
  long throttledUsec;
  /** Memory charged (v2 memory.current, v1 usage_in_bytes) and the limit, -1 for none. */
  long memoryCurrent;
  long memoryMax;
  /** Anonymous memory (v2 anon, v1 total_rss) and inactive page cache (the part a working set leaves out). */
  long anon;
  long inactiveFile;
  long oomKill;
  long readBytes;
  long writeBytes;
  long readOps;
  long writeOps;
  long pids;
  final double[] pressure = new double[PRESSURE_NAMES.length];

  void clear() {
    usageUsec = userUsec = systemUsec = periods = throttled = throttledUsec = -1;
    memoryCurrent = memoryMax = anon = inactiveFile = oomKill = -1;
    readBytes = writeBytes = readOps = writeOps = pids = -1;
    Arrays.fill(pressure, Double.NaN);
  }

  /** Nothing could be read: the cgroup was removed between the scan and the read (its files go first). */
  boolean empty() {
    return usageUsec < 0 && memoryCurrent < 0;
  }

  /** working set = current - inactive_file, as the kubelet computes it for eviction (never below zero). */
  long workingSet() {
    if (memoryCurrent < 0) {
      return -1;
    }
    return Math.max(0, memoryCurrent - Math.max(0, inactiveFile));
  }
}
