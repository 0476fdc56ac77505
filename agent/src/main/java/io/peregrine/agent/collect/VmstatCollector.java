package io.peregrine.agent.collect;

import java.io.IOException;
import java.util.Set;

/**
 * {@code vmstat.<key>} COUNTERs from {@code /proc/vmstat}: page faults (pgfault, pgmajfault), OOM kills (oom_kill,
 * Linux 4.13+), swap-ins and -outs (pswpin, pswpout) and paging (pgpgin, pgpgout, in KiB). Keys the kernel does not
 * have are not sent.
 */
final class VmstatCollector implements Collector {
  static final Set<String> KEYS = Set.of("pgfault", "pgmajfault", "oom_kill", "pswpin", "pswpout", "pgpgin",
      "pgpgout");

  private final HostPaths paths;

  VmstatCollector(HostPaths paths) {
    this.paths = paths;
  }

  @Override
  public String name() {
    return "vmstat";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    for (String line : paths.procLinesIfPresent("vmstat")) {
      int space = line.indexOf(' ');
      if (space > 0 && KEYS.contains(line.substring(0, space))) {
        out.counter("vmstat." + line.substring(0, space), "", Long.parseLong(line.substring(space + 1).trim()));
      }
    }
  }
}
