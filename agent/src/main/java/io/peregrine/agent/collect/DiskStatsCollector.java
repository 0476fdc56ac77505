package io.peregrine.agent.collect;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * disk.io.* per whole disk [device=sda] from {@code /proc/diskstats}: the kernel's cumulative fields as COUNTERs
 * (except ios_in_progress, an instantaneous queue length, sent as a GAUGE so no rate is taken of it), and, from the
 * second round on, iostat-style GAUGEs over the interval: read_bytes and write_bytes (per second), avgrq_sz (sectors
 * per request), avgqu-sz, await and svctm (ms), util (percent). Skipped: loop and ram devices, and partitions
 * (sda1, nvme0n1p1, mmcblk0p1) whose IO is already counted on their disk.
 */
final class DiskStatsCollector implements Collector {
  private static final Pattern PARTITION =
      Pattern.compile("(sd|hd|vd|xvd)[a-z]+\\d+|(nvme\\d+n\\d+|mmcblk\\d+)p\\d+");
  private static final String[] COUNTERS = {"read_requests", "read_merged", "read_sectors", "msec_read",
      "write_requests", "write_merged", "write_sectors", "msec_write", null, "msec_total", "msec_weighted_total"};
  private static final int SECTOR_BYTES = 512;

  private final HostPaths paths;
  private final LongSupplier nanoTime;
  private Map<String, long[]> previous = new HashMap<>();
  private long previousNanos;

  DiskStatsCollector(HostPaths paths, LongSupplier nanoTime) {
    this.paths = paths;
    this.nanoTime = nanoTime;
  }

  @Override
  public String name() {
    return "disk";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    long now = nanoTime.getAsLong();
    double elapsedMs = (now - previousNanos) / 1e6;
    Map<String, long[]> current = new HashMap<>();
    for (String line : paths.procLines("diskstats")) {
      String[] f = Fields.split(line);
      if (f.length < 14 || skipped(f[2])) {
        continue;
      }
      String device = f[2];
      long[] v = new long[11];
      for (int i = 0; i < 11; i++) {
        v[i] = Long.parseLong(f[3 + i]);
      }
      current.put(device, v);
      String tags = "device=" + device;
      for (int i = 0; i < 11; i++) {
        if (COUNTERS[i] != null) {
          out.counter("disk.io." + COUNTERS[i], tags, v[i]);
        }
      }
      out.gauge("disk.io.ios_in_progress", tags, v[8]);
      long[] before = previous.get(device);
      if (before != null && elapsedMs > 0) {
        emitIostat(out, tags, before, v, elapsedMs);
      }
    }
    previous = current;
    previousNanos = now;
  }

  private static void emitIostat(SampleEmitter out, String tags, long[] a, long[] b, double elapsedMs) {
    long reads = b[0] - a[0];
    long writes = b[4] - a[4];
    long readSectors = b[2] - a[2];
    long writeSectors = b[6] - a[6];
    long ticks = b[9] - a[9];
    long weighted = b[10] - a[10];
    long waitMs = (b[3] - a[3]) + (b[7] - a[7]);
    if (reads < 0 || writes < 0 || readSectors < 0 || writeSectors < 0 || ticks < 0 || weighted < 0) {
      return; // the device was replaced or its counters wrapped: skip one interval
    }
    long ios = reads + writes;
    double seconds = elapsedMs / 1000;
    out.gauge("disk.io.read_bytes", tags, readSectors * SECTOR_BYTES / seconds);
    out.gauge("disk.io.write_bytes", tags, writeSectors * SECTOR_BYTES / seconds);
    out.gauge("disk.io.avgrq_sz", tags, ios == 0 ? 0 : (double) (readSectors + writeSectors) / ios);
    out.gauge("disk.io.avgqu-sz", tags, weighted / elapsedMs);
    out.gauge("disk.io.await", tags, ios == 0 ? 0 : (double) waitMs / ios);
    out.gauge("disk.io.svctm", tags, ios == 0 ? 0 : (double) ticks / ios);
    out.gauge("disk.io.util", tags, Math.min(100.0, 100.0 * ticks / elapsedMs));
  }

  static boolean skipped(String device) {
    return device.startsWith("loop") || device.startsWith("ram") || PARTITION.matcher(device).matches();
  }
}
