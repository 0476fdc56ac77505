package io.peregrine.agent.collect;

import java.io.IOException;
import java.util.List;

/**
 * Pressure stall information from {@code /proc/pressure/{cpu,memory,io}} (Linux 4.20+ with PSI enabled):
 * {@code pressure.<resource>.<some|full>.avg10 / avg60 / avg300} (GAUGE, percent of time some or all non-idle tasks
 * were stalled over the last 10, 60, 300 s, the kernel's own averages) and {@code pressure.<resource>.<some|full>.total}
 * (COUNTER, microseconds stalled since boot; its rate is microseconds stalled per second).
 *
 * <p>A kernel without the files sends nothing. One that has them but booted with {@code psi=0} fails the read with
 * EOPNOTSUPP: the collector then stops trying (it would fail the same way every round).
 */
final class PressureCollector implements Collector {
  private static final List<String> RESOURCES = List.of("cpu", "memory", "io");
  private static final List<String> FIELDS = List.of("avg10", "avg60", "avg300");

  private final HostPaths paths;
  private boolean unsupported;

  PressureCollector(HostPaths paths) {
    this.paths = paths;
  }

  @Override
  public String name() {
    return "pressure";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    if (unsupported) {
      return;
    }
    for (String resource : RESOURCES) {
      List<String> lines;
      try {
        lines = paths.procLinesIfPresent("pressure/" + resource);
      } catch (IOException e) {
        if (String.valueOf(e.getMessage()).contains("not supported")) {
          unsupported = true; // psi=0 on the kernel command line
          return;
        }
        throw e;
      }
      for (String line : lines) {
        emitLine(out, "pressure." + resource, line);
      }
    }
  }

  /** {@code some avg10=0.12 avg60=0.05 avg300=0.01 total=123456}. */
  static void emitLine(SampleEmitter out, String prefix, String line) throws IOException {
    String[] f = Fields.split(line);
    if (f.length < 5 || !f[0].equals("some") && !f[0].equals("full")) {
      return;
    }
    String base = prefix + "." + f[0] + ".";
    for (int i = 1; i < f.length; i++) {
      int eq = f[i].indexOf('=');
      if (eq <= 0) {
        throw new IOException("pressure line has a field without '=': " + line);
      }
      String key = f[i].substring(0, eq);
      String value = f[i].substring(eq + 1);
      if (key.equals("total")) {
        out.counter(base + "total", "", Long.parseLong(value));
      } else if (FIELDS.contains(key)) {
        out.gauge(base + key, "", Double.parseDouble(value));
      }
    }
  }
}
