package io.peregrine.agent.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cgroup v1 cgroup: the same relative path under each controller's mount, read into cgroup v2's units.
 * <ul>
 *   <li>cpu: {@code cpuacct.usage} (nanoseconds), {@code cpuacct.stat} user/system (USER_HZ ticks, 100 per second),
 *       {@code cpu.stat} nr_periods, nr_throttled, throttled_time (nanoseconds);</li>
 *   <li>memory: {@code memory.usage_in_bytes}, {@code memory.limit_in_bytes} (2^63 rounded down to a page = no
 *       limit), {@code memory.stat} total_rss and total_inactive_file (the hierarchical totals, like the usage),
 *       {@code memory.oom_control} oom_kill (kernel 4.13+);</li>
 *   <li>io: {@code blkio.throttle.io_service_bytes_recursive} and {@code io_serviced_recursive} (else the plain
 *       files), Read and Write lines summed over devices; pids: {@code pids.current}.</li>
 * </ul>
 * cgroup v1 has no per-cgroup pressure: the pressure metrics are left out.
 */
final class CgroupV1Files implements CgroupFiles {
  /** The controllers' mount directories (cpu and cpuacct are often one, {@code cpu,cpuacct}). */
  record Roots(Path cpu, Path cpuacct, Path memory, Path blkio, Path pids) {
    static Roots of(Path mount) {
      return new Roots(first(mount, "cpu", "cpu,cpuacct", "cpuacct,cpu"),
          first(mount, "cpuacct", "cpu,cpuacct", "cpuacct,cpu"), mount.resolve("memory"), mount.resolve("blkio"),
          mount.resolve("pids"));
    }

    private static Path first(Path mount, String... names) {
      for (String n : names) {
        if (Files.isDirectory(mount.resolve(n))) {
          return mount.resolve(n);
        }
      }
      return mount.resolve(names[0]);
    }

    /** The controller whose hierarchy is listed to find the pods: memory, else cpuacct. */
    Path listed() {
      return Files.isDirectory(memory) ? memory : cpuacct;
    }
  }

  /** Limits at or above this are the kernel's "unlimited" (PAGE_COUNTER_MAX pages in bytes). */
  private static final long UNLIMITED = 1L << 62;
  private static final long USEC_PER_TICK = 10_000; // USER_HZ is 100 on every architecture Kubernetes runs on
  private static final byte[][] CPUACCT = CgroupV2Files.keys("user", "system");
  private static final byte[][] CPU = CgroupV2Files.keys("nr_periods", "nr_throttled", "throttled_time");
  private static final byte[][] MEMORY = CgroupV2Files.keys("total_rss", "total_inactive_file");
  private static final byte[][] OOM = CgroupV2Files.keys("oom_kill");
  private static final byte[][] IO = CgroupV2Files.keys("Read", "Write");

  private final KernelFile cpuacctUsage;
  private final KernelFile cpuacctStat;
  private final KernelFile cpuStat;
  private final KernelFile memoryUsage;
  private final KernelFile memoryLimit;
  private final KernelFile memoryStat;
  private final KernelFile oomControl;
  private final KernelFile ioBytes;
  private final KernelFile ioBytesFlat;
  private final KernelFile ioOps;
  private final KernelFile ioOpsFlat;
  private final KernelFile pidsCurrent;
  private final Path procs;
  private final long[] values = new long[3];
  private long limit = -1;
  private boolean limitRead;

  /** @param rel the cgroup's path relative to each controller's mount */
  CgroupV1Files(Roots roots, Path rel) {
    Path cpuacct = roots.cpuacct().resolve(rel);
    Path memory = roots.memory().resolve(rel);
    Path blkio = roots.blkio().resolve(rel);
    cpuacctUsage = new KernelFile(cpuacct.resolve("cpuacct.usage"));
    cpuacctStat = new KernelFile(cpuacct.resolve("cpuacct.stat"));
    cpuStat = new KernelFile(roots.cpu().resolve(rel).resolve("cpu.stat"));
    memoryUsage = new KernelFile(memory.resolve("memory.usage_in_bytes"));
    memoryLimit = new KernelFile(memory.resolve("memory.limit_in_bytes"));
    memoryStat = new KernelFile(memory.resolve("memory.stat"));
    oomControl = new KernelFile(memory.resolve("memory.oom_control"));
    ioBytes = new KernelFile(blkio.resolve("blkio.throttle.io_service_bytes_recursive"));
    ioBytesFlat = new KernelFile(blkio.resolve("blkio.throttle.io_service_bytes"));
    ioOps = new KernelFile(blkio.resolve("blkio.throttle.io_serviced_recursive"));
    ioOpsFlat = new KernelFile(blkio.resolve("blkio.throttle.io_serviced"));
    pidsCurrent = new KernelFile(roots.pids().resolve(rel).resolve("pids.current"));
    procs = roots.listed().resolve(rel).resolve("cgroup.procs");
  }

  @Override
  public void read(CgroupFileReader r, CgroupStats s, boolean readLimit) throws IOException {
    s.clear();
    long[] v = values;
    if (r.read(cpuacctUsage)) {
      long ns = r.single();
      s.usageUsec = ns < 0 ? -1 : ns / 1000;
    }
    if (r.read(cpuacctStat)) {
      r.keyValues(CPUACCT, v);
      s.userUsec = v[0] < 0 ? -1 : v[0] * USEC_PER_TICK;
      s.systemUsec = v[1] < 0 ? -1 : v[1] * USEC_PER_TICK;
    }
    if (r.read(cpuStat)) {
      r.keyValues(CPU, v);
      s.periods = v[0];
      s.throttled = v[1];
      s.throttledUsec = v[2] < 0 ? -1 : v[2] / 1000;
    }
    if (r.read(memoryUsage)) {
      s.memoryCurrent = r.single();
    }
    if (readLimit || !limitRead) { // and always the first time
      limitRead = true;
      limit = r.read(memoryLimit) ? r.single() : -1;
      if (limit >= UNLIMITED) {
        limit = -1;
      }
    }
    s.memoryMax = limit;
    if (r.read(memoryStat)) {
      r.keyValues(MEMORY, v);
      s.anon = v[0];
      s.inactiveFile = v[1];
    }
    if (r.read(oomControl)) {
      r.keyValues(OOM, v);
      s.oomKill = v[0];
    }
    if (r.read(ioBytes) || r.read(ioBytesFlat)) {
      r.sumDeviceLines(IO, v);
      s.readBytes = Math.max(0, v[0]); // only "Total 0" before the first IO
      s.writeBytes = Math.max(0, v[1]);
    }
    if (r.read(ioOps) || r.read(ioOpsFlat)) {
      r.sumDeviceLines(IO, v);
      s.readOps = Math.max(0, v[0]);
      s.writeOps = Math.max(0, v[1]);
    }
    if (r.read(pidsCurrent)) {
      s.pids = r.single();
    }
  }

  @Override
  public void close() {
    for (KernelFile f : new KernelFile[] {cpuacctUsage, cpuacctStat, cpuStat, memoryUsage, memoryLimit, memoryStat,
        oomControl, ioBytes, ioBytesFlat, ioOps, ioOpsFlat, pidsCurrent}) {
      f.close();
    }
  }

  @Override
  public Path procs() {
    return procs;
  }
}
