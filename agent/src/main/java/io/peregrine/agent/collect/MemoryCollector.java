package io.peregrine.agent.collect;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** mem.* from {@code /proc/meminfo}; see {@link MemoryStats} for what "used" and "free" mean. */
final class MemoryCollector implements Collector {
  private final HostPaths paths;

  MemoryCollector(HostPaths paths) {
    this.paths = paths;
  }

  @Override
  public String name() {
    return "mem";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    parse(paths.procLines("meminfo")).emit(out);
  }

  /** Lines {@code MemTotal:       16314132 kB}; values in kB become bytes. */
  static MemoryStats parse(List<String> lines) throws IOException {
    Map<String, Long> kb = new HashMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String[] f = Fields.split(line, colon + 1);
      if (f.length == 0) {
        continue;
      }
      try {
        kb.put(line.substring(0, colon).trim(), Long.parseLong(f[0]));
      } catch (NumberFormatException e) {
        // a line this parser does not need
      }
    }
    Long total = kb.get("MemTotal");
    if (total == null) {
      throw new IOException("meminfo has no MemTotal line");
    }
    Long available = kb.get("MemAvailable");
    long free = available != null ? available
        : kb.getOrDefault("MemFree", 0L) + kb.getOrDefault("Buffers", 0L) + kb.getOrDefault("Cached", 0L);
    return new MemoryStats(total * 1024, free * 1024, kb.getOrDefault("SwapTotal", 0L) * 1024,
        kb.getOrDefault("SwapFree", 0L) * 1024);
  }
}
