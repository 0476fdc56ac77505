package io.peregrine.bench.graph;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.graph.GraphConfig;
import io.peregrine.graph.store.Drops;
import io.peregrine.graph.store.GraphStore;
import io.peregrine.proto.v1.Consolidation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * One-day history queries with the data files out of the page cache: each measured query runs on a store opened
 * afresh after its segment files were evicted. Eviction is {@code dd if=FILE iflag=nocache count=0} (GNU dd's
 * {@code posix_fadvise(POSIX_FADV_DONTNEED)} over the whole file) once the previous store is closed (its segments
 * forced to disk) and its mappings are gone (the kernel does not evict pages a process still maps; Java unmaps a
 * file when the collector frees its buffer, so the old store is dropped and {@code System.gc()} runs first). What
 * stayed resident is read back with util-linux {@code fincore} and printed. {@code /proc/sys/vm/drop_caches} is not
 * used: it needs root outside a container and empties the cache of every process on the machine.
 *
 * <p>Nothing else runs meanwhile (no ingest): the figures are the disk's and the kernel's, not the writer's.
 */
final class ColdQueries {
  private final Path dir;
  private final GraphConfig config;
  private final PrintWriter out;

  ColdQueries(Path dir, GraphConfig config, PrintWriter out) {
    this.dir = dir;
    this.config = config;
    this.out = out;
  }

  /**
   * @param dayEnd the end of the day the queries read
   * @param keys the series with history; round r reads {@code keys[r % size]} alone, then all of them at once
   * @param rawStep the series' step when the raw archive holds a day (the day is then read at that step, 1,440
   *     points at 60 s), or 0 to read the 5-minute archive
   */
  void run(int rounds, long dayEnd, List<String> keys, int rawStep) throws IOException, InterruptedException {
    long start = rawStep > 0 ? dayEnd - 86_400 + rawStep : dayEnd - 86_400;
    int resolution = rawStep > 0 ? 0 : 300;
    String archive = rawStep > 0 ? "raw archive" : "5-min archive";
    Histogram one = new Histogram(3);
    Histogram hundred = new Histogram(3);
    Histogram open = new Histogram(3);
    long residentMax = 0;
    long fileBytes = 0;
    List<String> batch = keys.subList(0, Math.min(100, keys.size()));
    for (int r = 0; r < rounds; r++) {
      for (int q = 0; q < 2; q++) {
        long[] resident = evict();
        residentMax = Math.max(residentMax, resident[0]);
        fileBytes = resident[1];
        long t0 = System.nanoTime();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GraphStore store = new GraphStore(config, registry, new Drops(registry));
        store.start();
        open.recordValue((System.nanoTime() - t0) / 1_000);
        try {
          long s0 = System.nanoTime();
          if (q == 0) {
            store.query(keys.get(r % keys.size()), Consolidation.AVERAGE, start, dayEnd, resolution);
            one.recordValue((System.nanoTime() - s0) / 1_000);
          } else {
            store.query(batch, Consolidation.AVERAGE, start, dayEnd, resolution);
            hundred.recordValue((System.nanoTime() - s0) / 1_000);
          }
        } finally {
          store.close();
        }
      }
    }
    out.printf("cold:      %d rounds, each query on a store reopened after evicting its segment files "
            + "(dd iflag=nocache); resident after eviction at most %,d of %,d bytes; reopening took p50 %.0f ms%n",
        rounds, residentMax, fileBytes, open.getValueAtPercentile(50) / 1e3);
    print("1 series, 1 day, cold (" + archive + ")", one);
    print(batch.size() + " series, 1 day, cold (" + archive + ")", hundred);
  }

  private void print(String what, Histogram h) {
    out.printf("           %-50s p50 %,7.2f ms  p99 %,7.2f ms  max %,7.2f ms  (%,d queries)%n", what,
        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3,
        h.getTotalCount());
  }

  /**
   * Drops the segment files from the page cache; returns the bytes still resident and the files' length.
   * The caller has closed every store on the directory; their mappings go with the next collection.
   */
  private long[] evict() throws IOException, InterruptedException {
    long[] left = {0, 0};
    for (int attempt = 0; attempt < 10; attempt++) { // the collector unmaps the old buffers shortly after gc()
      System.gc();
      left = evictOnce();
      if (left[0] == 0) {
        break;
      }
      Thread.sleep(50);
    }
    return left;
  }

  private long[] evictOnce() throws IOException, InterruptedException {
    long resident = 0;
    long length = 0;
    for (Path seg : segments()) {
      run("dd", "if=" + seg, "iflag=nocache", "count=0", "status=none");
      resident += Long.parseLong(run("fincore", "--bytes", "--noheadings", "--output", "RES", seg.toString())
          .trim());
      length += Files.size(seg);
    }
    return new long[] {resident, length};
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("segments"))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".dat")).sorted().toList();
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + text.trim());
    }
    return text;
  }
}
