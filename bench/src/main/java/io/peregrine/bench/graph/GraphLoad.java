package io.peregrine.bench.graph;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.graph.GraphConfig;
import io.peregrine.graph.store.Admission;
import io.peregrine.graph.store.Drops;
import io.peregrine.graph.store.GraphStore;
import io.peregrine.graph.store.HeapEstimate;
import io.peregrine.graph.store.IndexView;
import io.peregrine.proto.v1.Consolidation;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Drives a real {@link GraphStore} in this JVM, the way graph's gRPC service does (validated samples offered to the
 * store, the store's writer applying them), in four phases:
 * <ol>
 *   <li><b>create</b>: one sample for each of N new series; series/s until all are applied;
 *   <li><b>backfill</b>: two days of history at the step for the series the queries read;
 *   <li><b>sustained</b>: rounds of one sample per series, sample time advancing {@code interval} seconds per round,
 *       as fast as the store takes them (a full queue makes the producer wait): points/s, CPU us/point, flush
 *       latency (the store forced to disk every 5 s);
 *   <li><b>query</b>: ingest paced at half the sustained rate while one thread reads one day of 1 series and of 100
 *       series from the 5-minute archive, 12 hours at the raw step, and, when the raw archive holds a day
 *       ({@code --raw-rows} x step >= 1 day), one day of 1 and of 100 series at the raw step: latency percentiles.
 * </ol>
 * Then RSS, heap after GC, disk bytes (allocated, as du counts them) per series, and how long close() took; then
 * the one-day queries again with the segment files evicted from the page cache ({@link ColdQueries}).
 */
public final class GraphLoad {
  public record Options(Path dir, int series, int step, int interval, Duration duration, Duration queryDuration,
      int querySeries, int coldRounds, int rawRows) {
    /** Whether the raw archive holds a day (1,440 points at 60 s: both ends of the range are points). */
    boolean rawHoldsADay() {
      return (long) rawRows * step >= 86_400;
    }
  }

  /** Series per endpoint, like a host with its agent metrics. */
  private static final int METRICS_PER_HOST = 200;

  private final Options o;
  private final PrintWriter out;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private GraphStore store;
  private Sample[] templates;
  private long queueFullWaits;

  public GraphLoad(Options options, PrintWriter out) {
    this.o = options;
    this.out = out;
  }

  public void run() throws IOException, InterruptedException {
    GraphConfig defaults = GraphConfig.defaults();
    long wanted = HeapEstimate.queue(defaults) + (long) (o.series() + o.querySeries()) * 1_000;
    GraphConfig config = defaults.withDataDir(o.dir().toString()).withRawRows(o.rawRows())
        .withMaxSeries(Math.max(GraphConfig.DEFAULT_MAX_SERIES, o.series() + o.querySeries()))
        .withMemoryBudget(Math.max(GraphConfig.DEFAULT_MEMORY_BUDGET, wanted)); // the bench never hits the budget
    store = new GraphStore(config, registry, new Drops(registry));
    long heap0 = heapAfterGc();
    store.start();
    templates = new Sample[o.series()];
    int perHost = METRICS_PER_HOST;
    // the templates share one string per host and per metric, as a client's would; the samples that create the
    // series carry copies (a decoded gRPC sample's own strings), so the heap figure shows what the index keeps
    String[] metrics = new String[perHost];
    for (int m = 0; m < perHost; m++) {
      metrics[m] = "bench.metric." + m;
    }
    String host = null;
    for (int i = 0; i < o.series(); i++) {
      host = i % perHost == 0 ? "bench-host-" + i / perHost : host;
      templates[i] = Sample.newBuilder().setEndpoint(host).setMetric(metrics[i % perHost])
          .setTags("").setStep(o.step()).setCounterType(CounterType.GAUGE).build();
    }
    long now = System.currentTimeMillis() / 1000;
    long t0 = now - now % o.step() - 2 * 86_400L; // sample time starts two days back and runs ahead of the clock
    out.printf("bench graph: %d series, step %d s, a sample every %d s of sample time, raw archive %d rows, data in "
        + "%s%n", o.series(), o.step(), o.interval(), o.rawRows(), o.dir());

    // 1. create
    long start = System.nanoTime();
    offerRound(t0, 0);
    awaitApplied(o.series());
    double createSeconds = (System.nanoTime() - start) / 1e9;
    out.printf("create:    %,d series in %.2f s = %,.0f series/s; disk %,d bytes = %,.0f bytes/series%n", o.series(),
        createSeconds, o.series() / createSeconds, diskBytes(), (double) diskBytes() / o.series());

    // 2. backfill the series the queries read
    List<String> queryKeys = backfill(t0);

    // 3. sustained
    ScheduledExecutorService flusher = NamedExecutors.scheduled("bench-graph-flush");
    Histogram flushMs = new Histogram(3);
    flusher.scheduleWithFixedDelay(() -> {
      synchronized (flushMs) {
        flushMs.recordValue(Math.max(1, store.flush().toMillis()));
      }
    }, 5, 5, TimeUnit.SECONDS);
    long cpu0 = os.getProcessCpuTime();
    double applied0 = applied();
    start = System.nanoTime();
    long deadline = start + o.duration().toNanos();
    int round = 1;
    while (System.nanoTime() < deadline) {
      offerRound(t0, round++);
    }
    double applied1 = applied();
    double seconds = (System.nanoTime() - start) / 1e9;
    long cpu1 = os.getProcessCpuTime();
    double points = applied1 - applied0;
    double rate = points / seconds;
    out.printf("sustained: %,.0f points in %.1f s = %,.0f points/s into %,d series; CPU %.2f us/point (%.2f cores); "
            + "producer waited on a full queue %,d times%n", points, seconds, rate, o.series(),
        (cpu1 - cpu0) / 1e3 / points, (cpu1 - cpu0) / 1e9 / seconds, queueFullWaits);
    synchronized (flushMs) {
      out.printf("flush:     %d forced flushes under load: p50 %d ms, max %d ms%n", flushMs.getTotalCount(),
          flushMs.getValueAtPercentile(50), flushMs.getMaxValue());
    }
    flusher.shutdownNow();

    // 4. queries at half the sustained rate
    queries(t0, round, rate / 2, queryKeys);
    indexLookups();

    long heap1 = heapAfterGc();
    long disk = diskBytes();
    int total = store.seriesCount();
    double reckoned = registry.get("graph_memory_reckoned_bytes").gauge().value() - HeapEstimate.queue(config);
    out.printf("memory:    RSS %,d MiB (anonymous %,d MiB, mapped segment and other file pages %,d MiB), heap after "
            + "GC %,d MiB (%,.0f bytes per series over the empty store, the bench's own samples included; "
            + "graph.memoryBudget reckons the index at %,.0f bytes per series)%n",
        status("VmRSS:") >> 20, status("RssAnon:") >> 20, (status("RssFile:") + status("RssShmem:")) >> 20,
        heap1 >> 20, (double) (heap1 - heap0) / total, reckoned / total);
    out.printf("disk:      %,d bytes allocated for %,d series = %,.0f bytes/series (full archives: %,d bytes/series)%n",
        disk, total, (double) disk / total, store.fullSeriesBytes());
    start = System.nanoTime();
    store.close();
    out.printf("close:     %d ms (drains the queue, forces and closes the segments)%n",
        (System.nanoTime() - start) / 1_000_000);
    store = null;
    if (o.coldRounds() > 0) {
      out.flush();
      new ColdQueries(o.dir(), config, out).run(o.coldRounds(), t0, queryKeys, o.rawHoldsADay() ? o.step() : 0);
    }
    out.flush();
  }

  /** One sample for every series at sample time {@code t0 + round * interval}, as fast as the store takes them. */
  private void offerRound(long t0, int round) {
    long ts = t0 + (long) round * o.interval();
    for (int i = 0; i < templates.length; i++) {
      Sample.Builder b = templates[i].toBuilder().setTimestamp(ts).setValue((i + round) % 100);
      if (round == 0) {
        b.setEndpoint(new String(b.getEndpoint().toCharArray())).setMetric(new String(b.getMetric().toCharArray()));
      }
      Sample s = b.build();
      while (store.offer(s) == Admission.QUEUE_FULL) {
        queueFullWaits++;
        LockSupport.parkNanos(100_000);
      }
    }
  }

  private List<String> backfill(long t0) {
    List<String> keys = new ArrayList<>();
    int points = 2 * 86_400 / o.step();
    long start = System.nanoTime();
    for (int q = 0; q < o.querySeries(); q++) {
      Sample base = Sample.newBuilder().setEndpoint("bench-query-" + q).setMetric("bench.history").setTags("")
          .setStep(o.step()).setCounterType(CounterType.GAUGE).build();
      keys.add("bench-query-" + q + "/bench.history/");
      for (int i = 0; i <= points; i++) {
        Sample s = base.toBuilder().setTimestamp(t0 - 2 * 86_400L + (long) i * o.step()).setValue(i % 60).build();
        while (store.offer(s) == Admission.QUEUE_FULL) {
          LockSupport.parkNanos(100_000);
        }
      }
    }
    awaitApplied(o.series() + (double) o.querySeries() * (points + 1));
    out.printf("backfill:  %d series x 2 days at the step in %.1f s%n", o.querySeries(),
        (System.nanoTime() - start) / 1e9);
    return keys;
  }

  private void queries(long t0, int fromRound, double rate, List<String> keys) throws InterruptedException {
    AtomicBoolean done = new AtomicBoolean();
    Histogram one = new Histogram(3);
    Histogram hundred = new Histogram(3);
    Histogram raw = new Histogram(3);
    Histogram oneRaw = new Histogram(3);
    Histogram hundredRaw = new Histogram(3);
    boolean rawDay = o.rawHoldsADay();
    List<String> batch = keys.subList(0, Math.min(100, keys.size()));
    // a day at the raw step is the 1,440 steps ending at dayEnd (as 12 h is 720); a day from the 5-minute
    // archive is asked at 300 s so that it stays that archive whatever --raw-rows is
    long rawDayStart = t0 - 86_400 + o.step();
    Thread reader = NamedExecutors.threadFactory("bench-graph-query").newThread(() -> {
      long dayEnd = t0;
      int i = 0;
      while (!done.get()) {
        long s0 = System.nanoTime();
        store.query(keys.get(i++ % keys.size()), Consolidation.AVERAGE, dayEnd - 86_400, dayEnd, 300);
        one.recordValue((System.nanoTime() - s0) / 1_000);
        s0 = System.nanoTime();
        store.query(batch, Consolidation.AVERAGE, dayEnd - 86_400, dayEnd, 300);
        hundred.recordValue((System.nanoTime() - s0) / 1_000);
        s0 = System.nanoTime();
        store.query(keys.get(i % keys.size()), Consolidation.AVERAGE, dayEnd - 43_200 + o.step(), dayEnd, 0);
        raw.recordValue((System.nanoTime() - s0) / 1_000);
        if (rawDay) {
          s0 = System.nanoTime();
          store.query(keys.get((i + 1) % keys.size()), Consolidation.AVERAGE, rawDayStart, dayEnd, 0);
          oneRaw.recordValue((System.nanoTime() - s0) / 1_000);
          s0 = System.nanoTime();
          store.query(batch, Consolidation.AVERAGE, rawDayStart, dayEnd, 0);
          hundredRaw.recordValue((System.nanoTime() - s0) / 1_000);
        }
      }
    });
    check(keys.get(0), t0 - 86_400, t0, 300);
    if (rawDay) {
      check(keys.get(0), rawDayStart, t0, 0);
    }
    double applied0 = applied();
    long start = System.nanoTime();
    reader.start();
    long deadline = start + o.queryDuration().toNanos();
    int round = fromRound;
    int rounds = 0;
    while (System.nanoTime() < deadline) {
      offerRoundPaced(t0, round++, rate, start, rounds++);
    }
    done.set(true);
    reader.join();
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf("query:     while ingesting %,.0f points/s (target half the sustained rate):%n",
        (applied() - applied0) / seconds);
    print("1 series, 1 day (5-min archive, 289 points)", one);
    print(batch.size() + " series, 1 day (5-min archive)", hundred);
    print("1 series, 12 h (raw " + rawName() + " archive, " + 43_200 / o.step() + " points)", raw);
    if (rawDay) {
      print(String.format("1 series, 1 day (raw %s archive, %,d points)", rawName(), 86_400 / o.step()), oneRaw);
      print(batch.size() + " series, 1 day raw", hundredRaw);
    }
  }

  private String rawName() {
    return o.step() % 60 == 0 ? o.step() / 60 + "-min" : o.step() + "-s";
  }

  /** Prints what one query answers, so that the lines below say which archive they read. */
  private void check(String key, long start, long end, int resolution) {
    var r = store.query(key, Consolidation.AVERAGE, start, end, resolution).orElseThrow();
    long known = java.util.Arrays.stream(r.values()).filter(v -> !Double.isNaN(v)).count();
    out.printf("query:     %s from %d to %d at resolution %d: %d points at %d s, %d known%n", key, start, end,
        resolution, r.size(), r.step(), known);
  }

  /** Open-Falcon's dashboard searches on the index at the full series count, nothing ingesting. */
  private void indexLookups() {
    IndexView index = store.index();
    Histogram endpoints = new Histogram(3);
    Histogram counters = new Histogram(3);
    Histogram ofEndpoint = new Histogram(3);
    int found = 0;
    for (int i = 0; i < 50; i++) {
      long s0 = System.nanoTime();
      found += index.endpoints(Pattern.compile("host-" + i % 10 + ".*7"), 1_000).names().size();
      endpoints.recordValue((System.nanoTime() - s0) / 1_000);
      s0 = System.nanoTime();
      found += index.counters(Pattern.compile("metric\\." + i % 10 + "\\b"), 1_000).names().size();
      counters.recordValue((System.nanoTime() - s0) / 1_000);
      s0 = System.nanoTime();
      found += index.countersOf("bench-host-" + i, null, 1_000, new boolean[1]).size();
      ofEndpoint.recordValue((System.nanoTime() - s0) / 1_000);
    }
    out.printf("index:     50 lookups each at %,d series (%,d names found):%n", store.seriesCount(), found);
    print("endpoints by pattern (host-N.*7)", endpoints);
    print("counters by pattern (metric\\.N\\b)", counters);
    print("counters of one endpoint (200)", ofEndpoint);
  }

  private void offerRoundPaced(long t0, int round, double rate, long paceStart, int roundsBefore) {
    long ts = t0 + (long) round * o.interval();
    for (int i = 0; i < templates.length; i++) {
      Sample s = templates[i].toBuilder().setTimestamp(ts).setValue((i + round) % 100).build();
      while (store.offer(s) == Admission.QUEUE_FULL) {
        LockSupport.parkNanos(100_000);
      }
      if ((i & 1023) == 0) {
        long due = paceStart + (long) (((double) roundsBefore * o.series() + i) / rate * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
    }
  }

  private void print(String what, Histogram h) {
    out.printf("           %-50s p50 %,7.2f ms  p99 %,7.2f ms  max %,7.2f ms  (%,d queries)%n", what,
        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3,
        h.getTotalCount());
  }

  private double applied() {
    double n = registry.get("graph_stored_samples").counter().count();
    for (var c : registry.find("graph_dropped_samples").counters()) {
      n += c.count();
    }
    return n;
  }

  private void awaitApplied(double n) {
    while (applied() < n) {
      LockSupport.parkNanos(1_000_000);
    }
  }

  private static long heapAfterGc() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  /** A kB field of /proc/self/status in bytes (VmRSS, RssAnon, RssFile, RssShmem); 0 when not on Linux. */
  private static long status(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: report 0
    }
    return 0;
  }

  /** Allocated bytes (segments are sparse files, so their length says little), as {@code du} reports them. */
  private long diskBytes() {
    try {
      Process p = new ProcessBuilder("du", "-s", "-B1", o.dir().toString()).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return Long.parseLong(text.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
