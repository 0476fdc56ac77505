package io.peregrine.agent.collect;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code cpu.frequency.avg / min / max} (GAUGE, Hz) over the host's logical CPUs, from
 * {@code <sysRoot>/devices/system/cpu/cpu<N>/cpufreq/scaling_cur_freq} (kHz), or, where there is no cpufreq (most
 * VMs), from the {@code cpu MHz} lines of {@code /proc/cpuinfo}. Three series rather than one per core: a 128-core
 * host would otherwise add 128 series for a value that is nearly always the same on every core. Neither source:
 * nothing is sent (no cpufreq and no "cpu MHz": an ARM VM).
 */
final class CpuFreqCollector implements Collector {
  private final HostPaths paths;

  CpuFreqCollector(HostPaths paths) {
    this.paths = paths;
  }

  @Override
  public String name() {
    return "cpufreq";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    Stats s = new Stats();
    Path cpus = paths.sys().resolve("devices/system/cpu");
    if (Files.isDirectory(cpus)) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(cpus, "cpu[0-9]*")) {
        for (Path cpu : dirs) {
          Path cur = cpu.resolve("cpufreq/scaling_cur_freq");
          try {
            s.add(Long.parseLong(Files.readString(cur).trim()) * 1000.0);
          } catch (NoSuchFileException e) {
            // no cpufreq driver for this CPU
          }
        }
      }
    }
    if (s.n == 0) {
      for (String line : paths.procLinesIfPresent("cpuinfo")) {
        if (line.startsWith("cpu MHz")) {
          int colon = line.indexOf(':');
          s.add(Double.parseDouble(line.substring(colon + 1).trim()) * 1_000_000.0);
        }
      }
    }
    if (s.n > 0) {
      out.gauge("cpu.frequency.avg", "", s.sum / s.n);
      out.gauge("cpu.frequency.min", "", s.min);
      out.gauge("cpu.frequency.max", "", s.max);
    }
  }

  private static final class Stats {
    int n;
    double sum;
    double min = Double.MAX_VALUE;
    double max;

    void add(double hz) {
      n++;
      sum += hz;
      min = Math.min(min, hz);
      max = Math.max(max, hz);
    }
  }
}
