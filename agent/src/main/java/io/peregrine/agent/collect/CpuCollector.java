package io.peregrine.agent.collect;

import java.io.IOException;
import java.util.List;

/**
 * cpu.* percentages from two {@code /proc/stat} snapshots (the first round only primes, so the first cpu.idle
 * arrives one interval after start) and cpu.switches (COUNTER: context switches since boot, the {@code ctxt} line).
 * From the same file: system.boot_time (GAUGE, epoch seconds, {@code btime}), system.procs.running and
 * system.procs.blocked (GAUGE, {@code procs_running}, {@code procs_blocked}) and system.forks (COUNTER, processes
 * created since boot, {@code processes}).
 */
final class CpuCollector implements Collector {
  private final HostPaths paths;
  private CpuTimes previous;

  CpuCollector(HostPaths paths) {
    this.paths = paths;
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    List<String> lines = paths.procLines("stat");
    CpuTimes now = null;
    for (String line : lines) {
      if (line.startsWith("cpu ")) {
        now = parseCpuLine(line);
      } else if (line.startsWith("ctxt ")) {
        out.counter("cpu.switches", "", Long.parseLong(line.substring(5).trim()));
      } else if (line.startsWith("btime ")) {
        out.gauge("system.boot_time", "", Long.parseLong(line.substring(6).trim()));
      } else if (line.startsWith("procs_running ")) {
        out.gauge("system.procs.running", "", Long.parseLong(line.substring(14).trim()));
      } else if (line.startsWith("procs_blocked ")) {
        out.gauge("system.procs.blocked", "", Long.parseLong(line.substring(14).trim()));
      } else if (line.startsWith("processes ")) {
        out.counter("system.forks", "", Long.parseLong(line.substring(10).trim()));
      }
    }
    if (now == null) {
      throw new IOException("no 'cpu ' line in " + paths.proc().resolve("stat"));
    }
    CpuTimes before = previous;
    previous = now;
    if (before != null) {
      now.emitPercentages(before, out);
    }
  }

  /** {@code cpu  user nice system idle iowait irq softirq steal guest guest_nice}; old kernels stop after idle. */
  static CpuTimes parseCpuLine(String line) {
    String[] f = Fields.split(line);
    return new CpuTimes(field(f, 1), field(f, 2), field(f, 3), field(f, 4), field(f, 5), field(f, 6), field(f, 7),
        field(f, 8), field(f, 9));
  }

  private static long field(String[] f, int i) {
    return i < f.length ? Long.parseLong(f[i]) : 0;
  }
}
