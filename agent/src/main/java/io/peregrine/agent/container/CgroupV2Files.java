package io.peregrine.agent.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A cgroup v2 directory: {@code cpu.stat}, {@code memory.current}, {@code memory.max}, {@code memory.stat},
 * {@code memory.events}, {@code io.stat}, {@code pids.current} and {@code cpu|memory|io.pressure}.
 */
final class CgroupV2Files implements CgroupFiles {
  private static final byte[][] CPU = keys("usage_usec", "user_usec", "system_usec", "nr_periods", "nr_throttled",
      "throttled_usec");
  private static final byte[][] MEMORY = keys("anon", "inactive_file");
  private static final byte[][] EVENTS = keys("oom_kill");
  private static final byte[][] IO = keys("rbytes", "wbytes", "rios", "wios");

  private final KernelFile cpuStat;
  private final KernelFile memoryCurrent;
  private final KernelFile memoryMax;
  private final KernelFile memoryStat;
  private final KernelFile memoryEvents;
  private final KernelFile ioStat;
  private final KernelFile pidsCurrent;
  private final KernelFile cpuPressure;
  private final KernelFile memoryPressure;
  private final KernelFile ioPressure;
  private final Path procs;
  private final long[] values = new long[6];
  private long limit = -1;
  private boolean limitRead;

  CgroupV2Files(Path dir) {
    cpuStat = new KernelFile(dir.resolve("cpu.stat"));
    memoryCurrent = new KernelFile(dir.resolve("memory.current"));
    memoryMax = new KernelFile(dir.resolve("memory.max"));
    memoryStat = new KernelFile(dir.resolve("memory.stat"));
    memoryEvents = new KernelFile(dir.resolve("memory.events"));
    ioStat = new KernelFile(dir.resolve("io.stat"));
    pidsCurrent = new KernelFile(dir.resolve("pids.current"));
    cpuPressure = new KernelFile(dir.resolve("cpu.pressure"));
    memoryPressure = new KernelFile(dir.resolve("memory.pressure"));
    ioPressure = new KernelFile(dir.resolve("io.pressure"));
    procs = dir.resolve("cgroup.procs");
  }

  static byte[][] keys(String... names) {
    byte[][] out = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      out[i] = names[i].getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }

  @Override
  public void read(CgroupFileReader r, CgroupStats s, boolean readLimit) throws IOException {
    s.clear();
    long[] v = values;
    if (r.read(cpuStat)) {
      r.keyValues(CPU, v);
      s.usageUsec = v[0];
      s.userUsec = v[1];
      s.systemUsec = v[2];
      s.periods = v[3];
      s.throttled = v[4];
      s.throttledUsec = v[5];
    }
    if (r.read(memoryCurrent)) {
      s.memoryCurrent = r.single();
    }
    if (readLimit || !limitRead) { // and always the first time
      limitRead = true;
      limit = r.read(memoryMax) ? r.single() : -1;
    }
    s.memoryMax = limit;
    if (r.read(memoryStat)) {
      r.keyValues(MEMORY, v);
      s.anon = v[0];
      s.inactiveFile = v[1];
    }
    if (r.read(memoryEvents)) {
      r.keyValues(EVENTS, v);
      s.oomKill = v[0];
    }
    if (r.read(ioStat)) {
      r.sumFields(IO, v);
      s.readBytes = Math.max(0, v[0]); // empty before the first IO
      s.writeBytes = Math.max(0, v[1]);
      s.readOps = Math.max(0, v[2]);
      s.writeOps = Math.max(0, v[3]);
    }
    if (r.read(pidsCurrent)) {
      s.pids = r.single();
    }
    if (r.read(cpuPressure)) {
      r.pressure(s.pressure, CgroupStats.CPU_SOME);
    }
    if (r.read(memoryPressure)) {
      r.pressure(s.pressure, CgroupStats.MEMORY_SOME);
    }
    if (r.read(ioPressure)) {
      r.pressure(s.pressure, CgroupStats.IO_SOME);
    }
  }

  @Override
  public void close() {
    for (KernelFile f : new KernelFile[] {cpuStat, memoryCurrent, memoryMax, memoryStat, memoryEvents, ioStat,
        pidsCurrent, cpuPressure, memoryPressure, ioPressure}) {
      f.close();
    }
  }

  @Override
  public Path procs() {
    return procs;
  }
}
