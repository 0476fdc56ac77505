package io.peregrine.agent.collect;

import java.io.IOException;
import java.util.List;

/**
 * {@code system.uptime} (GAUGE, seconds since boot, the first field of {@code /proc/uptime}) and the conntrack table
 * of the host's network namespace: {@code conntrack.count}, {@code conntrack.max} and {@code conntrack.used.percent}
 * (GAUGE, from {@code sys/net/netfilter/nf_conntrack_count} and {@code _max}, present only while the nf_conntrack
 * module is loaded). A full table drops new connections ("nf_conntrack: table full"), hence the percent.
 * The boot time and process counts come from {@code /proc/stat}, which {@link CpuCollector} reads anyway.
 */
final class SystemCollector implements Collector {
  private final HostPaths paths;

  SystemCollector(HostPaths paths) {
    this.paths = paths;
  }

  @Override
  public String name() {
    return "system";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    List<String> uptime = paths.procLinesIfPresent("uptime");
    if (!uptime.isEmpty()) {
      String line = uptime.get(0).trim();
      int space = line.indexOf(' ');
      out.gauge("system.uptime", "", Double.parseDouble(space < 0 ? line : line.substring(0, space)));
    }
    List<String> count = paths.procLinesIfPresent("sys/net/netfilter/nf_conntrack_count");
    List<String> max = paths.procLinesIfPresent("sys/net/netfilter/nf_conntrack_max");
    if (!count.isEmpty() && !max.isEmpty()) {
      long c = Long.parseLong(count.get(0).trim());
      long m = Long.parseLong(max.get(0).trim());
      out.gauge("conntrack.count", "", c);
      out.gauge("conntrack.max", "", m);
      if (m > 0) {
        out.gauge("conntrack.used.percent", "", 100.0 * c / m);
      }
    }
  }
}
