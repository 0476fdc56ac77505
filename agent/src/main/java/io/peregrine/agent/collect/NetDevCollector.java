package io.peregrine.agent.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * net.if.* COUNTERs per interface [iface=eth0] from {@code /proc/net/dev} (the host's network namespace, read through
 * pid 1), and the gauge net.if.speed.bits from {@code <sysRoot>/class/net/<iface>/speed} where the driver reports one.
 * Skipped: {@code lo}, and the per-pod veth ends of container networks ({@code veth*}, {@code cali*}, {@code lxc*}),
 * which come and go with pods and would each start new series.
 *
 * <p>From the second round on, for an interface with a known speed, the GAUGEs net.if.in.percent and
 * net.if.out.percent: the bits moved over the interval as a percentage of the link speed (Open-Falcon's names). An
 * interval where a byte counter went backwards (a 32-bit counter wrapped, the driver reset it, the interface was
 * re-created) gives no percent for that interval; an interface that vanished is forgotten, one that appears is
 * primed first.
 */
final class NetDevCollector implements Collector {
  private static final String[] IN = {"in.bytes", "in.packets", "in.errors", "in.dropped", "in.fifo.errs",
      "in.frame.errs", "in.compressed", "in.multicast"};
  private static final String[] OUT = {"out.bytes", "out.packets", "out.errors", "out.dropped", "out.fifo.errs",
      "out.collisions", "out.carrier.errs", "out.compressed"};

  private final HostPaths paths;
  private final LongSupplier nanoTime;
  /** iface -> {in bytes, out bytes} of the previous round. */
  private Map<String, long[]> previous = new HashMap<>();
  private long previousNanos;

  NetDevCollector(HostPaths paths) {
    this(paths, System::nanoTime);
  }

  NetDevCollector(HostPaths paths, LongSupplier nanoTime) {
    this.paths = paths;
    this.nanoTime = nanoTime;
  }

  @Override
  public String name() {
    return "net";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    long now = nanoTime.getAsLong();
    double seconds = (now - previousNanos) / 1e9;
    Map<String, long[]> current = new HashMap<>();
    for (String line : paths.hostViewLines("net/dev")) {
      int colon = line.indexOf(':');
      if (colon < 0 || line.contains("|")) {
        continue; // the two header lines
      }
      String iface = line.substring(0, colon).trim();
      if (skipped(iface)) {
        continue;
      }
      String[] f = Fields.split(line, colon + 1);
      if (f.length < 16) {
        throw new IOException("net/dev line for " + iface + " has " + f.length + " fields, expected 16");
      }
      String tags = "iface=" + iface;
      long[] v = new long[16];
      for (int i = 0; i < 16; i++) {
        v[i] = Long.parseLong(f[i]);
      }
      for (int i = 0; i < 8; i++) {
        out.counter("net.if." + IN[i], tags, v[i]);
        out.counter("net.if." + OUT[i], tags, v[i + 8]);
      }
      out.counter("net.if.total.bytes", tags, v[0] + v[8]);
      out.counter("net.if.total.packets", tags, v[1] + v[9]);
      out.counter("net.if.total.errors", tags, v[2] + v[10]);
      out.counter("net.if.total.dropped", tags, v[3] + v[11]);
      out.counter("net.if.in.bits", tags, v[0] * 8.0);
      out.counter("net.if.out.bits", tags, v[8] * 8.0);
      out.counter("net.if.total.bits", tags, (v[0] + v[8]) * 8.0);
      long mbps = speedMbps(iface);
      long[] bytes = {v[0], v[8]};
      current.put(iface, bytes);
      if (mbps > 0) {
        double speedBits = mbps * 1_000_000.0;
        out.gauge("net.if.speed.bits", tags, speedBits);
        long[] before = previous.get(iface);
        if (before != null && seconds > 0 && bytes[0] >= before[0] && bytes[1] >= before[1]) {
          out.gauge("net.if.in.percent", tags, 100.0 * (bytes[0] - before[0]) * 8 / seconds / speedBits);
          out.gauge("net.if.out.percent", tags, 100.0 * (bytes[1] - before[1]) * 8 / seconds / speedBits);
        }
      }
    }
    previous = current;
    previousNanos = now;
  }

  static boolean skipped(String iface) {
    return iface.equals("lo") || iface.startsWith("veth") || iface.startsWith("cali") || iface.startsWith("lxc");
  }

  /** Mbit/s, or -1 when unknown (virtual interfaces, a link that is down, no sysfs). */
  private long speedMbps(String iface) {
    Path speed = paths.sys().resolve("class/net").resolve(iface).resolve("speed");
    try {
      return Long.parseLong(Files.readString(speed).trim());
    } catch (IOException | NumberFormatException e) {
      return -1; // reading speed of a down link fails with EINVAL: normal, not worth a log line
    }
  }
}
