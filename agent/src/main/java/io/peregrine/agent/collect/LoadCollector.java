package io.peregrine.agent.collect;

import java.io.IOException;
import java.util.List;

/** load.1min, load.5min, load.15min from {@code /proc/loadavg} ({@code 0.52 0.58 0.59 1/467 12345}). */
final class LoadCollector implements Collector {
  private final HostPaths paths;

  LoadCollector(HostPaths paths) {
    this.paths = paths;
  }

  @Override
  public String name() {
    return "load";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    List<String> lines = paths.procLines("loadavg");
    String[] f = lines.isEmpty() ? new String[0] : Fields.split(lines.get(0));
    if (f.length < 3) {
      throw new IOException("loadavg has " + f.length + " fields, expected at least 3: " + lines);
    }
    emit(out, Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
  }

  static void emit(SampleEmitter out, double one, double five, double fifteen) {
    out.gauge("load.1min", "", one);
    out.gauge("load.5min", "", five);
    out.gauge("load.15min", "", fifteen);
  }
}
