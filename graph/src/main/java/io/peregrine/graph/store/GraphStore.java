package io.peregrine.graph.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.graph.GraphConfig;
import io.peregrine.proto.v1.Consolidation;
import io.peregrine.proto.v1.Sample;
import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graph's embedded store: one RRD file per series under the data directory, a persisted series index, and a bounded
 * write queue drained by one writer thread.
 *
 * <p>Write path: {@link #offer} queues a validated sample, or refuses it when the queue is full
 * ({@link Admission#QUEUE_FULL}: the sender retries) or when its step or counter type contradict the stored series.
 * The writer aligns each timestamp down to its step (as Open-Falcon's transfer does) and drops, counting it as
 * {@code out_of_order}, a sample whose step is not after the series' last stored one.
 *
 * <p>Reads ({@link #query}, {@link #last}, {@link #list}) run on the caller's thread and see what the writer has
 * stored; samples still queued are not visible yet.
 */
public final class GraphStore implements Component {
  private static final Logger log = LoggerFactory.getLogger(GraphStore.class);
  /** The year 5138: far beyond any real range, small enough that step arithmetic never overflows. */
  static final long MAX_TIMESTAMP = 100_000_000_000L;

  private final GraphConfig config;
  private final Path dataDir;
  private final Drops drops;
  private final ArrayBlockingQueue<StoreWriter.Pending> queue;
  private final SeriesIndex index;
  private final Counter stored;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean running;
  private volatile boolean stopping;
  private volatile boolean writerAlive;
  private DataDirLock lock;
  private RrdFiles files;
  private ThreadPoolExecutor writerExecutor;

  public GraphStore(GraphConfig config, MeterRegistry registry, Drops drops) {
    this.config = config;
    this.dataDir = Path.of(config.dataDir());
    this.drops = drops;
    this.queue = new ArrayBlockingQueue<>(config.writeQueueCapacity());
    this.index = new SeriesIndex(dataDir);
    this.stored = Counter.builder("graph.samples.stored").description("samples written to RRD files")
        .register(registry);
    Gauge.builder("graph.series", index, SeriesIndex::size).description("series in the index").register(registry);
    Gauge.builder("graph.write.queue.size", queue, ArrayBlockingQueue::size)
        .description("samples accepted and waiting for the writer").register(registry);
    Gauge.builder("graph.write.queue.capacity", config, GraphConfig::writeQueueCapacity)
        .description("most samples the write queue holds").register(registry);
    Gauge.builder("graph.rrd.open.files", this, s -> s.files == null ? 0 : s.files.openForWriting())
        .description("RRD files the writer holds open").register(registry);
  }

  @Override
  public String name() {
    return "graph-store";
  }

  @Override
  public void start() throws IOException {
    open(true);
  }

  /** Opens the data directory; without the writer the queue only fills (for tests of backpressure). */
  void open(boolean withWriter) throws IOException {
    long t0 = System.nanoTime();
    Files.createDirectories(dataDir);
    lock = DataDirLock.acquire(dataDir);
    try {
      int loaded = index.load();
      files = new RrdFiles(openFileLimit(config.maxOpenFiles()));
      if (withWriter) {
        writerExecutor = NamedExecutors.fixed("graph-writer", 1, 1, new ThreadPoolExecutor.AbortPolicy());
        StoreWriter writer = new StoreWriter(queue, index, files, drops, stored, () -> stopping);
        writerAlive = true;
        writerExecutor.execute(() -> {
          try {
            writer.run();
          } finally {
            writerAlive = false;
          }
        });
      }
      running = true;
      log.info("graph-store: opened {} with {} series in {} ms (write queue {} samples, up to {} open files)",
          dataDir.toAbsolutePath(), loaded, (System.nanoTime() - t0) / 1_000_000, config.writeQueueCapacity(),
          config.maxOpenFiles());
    } catch (IOException | RuntimeException e) {
      if (files != null) {
        files.close();
      }
      lock.close();
      lock = null;
      throw e;
    }
  }

  /** Half the descriptor limit at most: the other half is for sockets, readers and the JVM. */
  private static int openFileLimit(int configured) {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
      long half = os.getMaxFileDescriptorCount() / 2;
      if (half > 0 && configured > half) {
        log.warn("graph-store: graph.maxOpenFiles {} is more than half the process's file descriptor limit {}; "
            + "using {} (raise ulimit -n to keep more series open)", configured, os.getMaxFileDescriptorCount(), half);
        return (int) Math.max(1, half);
      }
    }
    return configured;
  }

  /**
   * Queues one validated, normalised sample (canonical tags, timestamp in seconds). Never blocks.
   */
  public Admission offer(Sample sample) {
    String key = SeriesKey.of(sample);
    SeriesState known = index.get(key);
    if (known != null) {
      if (known.meta.step() != sample.getStep()) {
        return Admission.STEP_MISMATCH;
      }
      if (known.meta.counterType() != sample.getCounterType()) {
        return Admission.TYPE_MISMATCH;
      }
    }
    if (!running) {
      return Admission.NOT_RUNNING;
    }
    return queue.offer(new StoreWriter.Pending(key, sample)) ? Admission.ACCEPTED : Admission.QUEUE_FULL;
  }

  public Optional<SeriesMeta> series(String key) {
    SeriesState s = index.get(key);
    return s == null ? Optional.empty() : Optional.of(s.meta);
  }

  /**
   * Points of a series between {@code start} and {@code end} (unix seconds, both inclusive): every point of the
   * chosen archive whose timestamp lies in the range, NaN where there is no data.
   *
   * @param resolution wanted seconds per point; 0 = the finest archive that still holds {@code start}
   * @return empty for an unknown series
   * @throws IllegalArgumentException for a bad range or one that needs more than maxQueryPoints points; the
   *     message names the argument
   */
  public Optional<QueryResult> query(String key, Consolidation cf, long start, long end, int resolution)
      throws IOException {
    if (start < 0 || end < 0 || start > MAX_TIMESTAMP || end > MAX_TIMESTAMP) {
      throw new IllegalArgumentException("start and end must be unix seconds within 0.." + MAX_TIMESTAMP
          + ", got start " + start + ", end " + end);
    }
    if (start > end) {
      throw new IllegalArgumentException("start " + start + " is after end " + end);
    }
    if (resolution < 0) {
      throw new IllegalArgumentException("resolution must be 0 (finest) or seconds per point, got " + resolution);
    }
    SeriesState state = index.get(key);
    if (state == null) {
      return Optional.empty();
    }
    SeriesMeta meta = state.meta;
    Path path = index.path(meta);
    if (!Files.exists(path)) {
      // registered, first sample not written yet
      return Optional.of(new QueryResult(meta, meta.step(), meta.counterType(), new long[0], new double[0]));
    }
    return Optional.of(files.read(path,
        db -> ArchiveReader.fetch(db, meta, RrdLayout.consolFun(cf), start, end, resolution, config.maxQueryPoints())));
  }

  /**
   * The newest raw sample of a series: kept in memory as it is written; after a restart read back once from the
   * file (then its timestamp is the start of its step).
   */
  public Optional<LastPoint> last(String key) throws IOException {
    SeriesState state = index.get(key);
    if (state == null) {
      return Optional.empty();
    }
    LastPoint last = state.last.get();
    if (last != null) {
      return Optional.of(last);
    }
    Path path = index.path(state.meta);
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    LastPoint fromFile = files.read(path, db -> {
      double value = db.getLastDatasourceValues()[0];
      return Double.isNaN(value) ? null : new LastPoint(db.getLastUpdateTime(), value);
    });
    if (fromFile == null) {
      return Optional.empty();
    }
    // the writer may have stored a newer sample meanwhile: its value wins
    return state.last.compareAndSet(null, fromFile) ? Optional.of(fromFile) : Optional.of(state.last.get());
  }

  /** Series sorted by key; see {@link SeriesIndex#list}. */
  public SeriesPage list(String endpoint, String metricPrefix, int limit) {
    return index.list(endpoint, metricPrefix, limit);
  }

  public int seriesCount() {
    return index.size();
  }

  public int queueSize() {
    return queue.size();
  }

  /** True while the store takes samples and its writer runs. */
  public boolean healthy() {
    return running && writerAlive;
  }

  /**
   * Stops taking samples, lets the writer store what is queued (up to the shutdown timeout, then counts the rest as
   * dropped with reason {@code shutdown}), then closes every file (syncing it) and the index.
   */
  @Override
  public void close() {
    if (closed.getAndSet(true) || lock == null) {
      return;
    }
    running = false;
    stopping = true;
    int queued = queue.size();
    long t0 = System.nanoTime();
    if (writerExecutor != null) {
      writerExecutor.shutdown();
      try {
        if (!writerExecutor.awaitTermination(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("graph-store: writer still busy after {}; stopping it", config.shutdownTimeout());
          NamedExecutors.shutdown(writerExecutor, "graph-writer", Duration.ofSeconds(5));
        }
      } catch (InterruptedException e) {
        writerExecutor.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    int left = queue.size();
    queue.clear();
    drops.record("shutdown", left, left + " samples still queued when the store closed");
    files.close();
    index.close();
    try {
      lock.close();
    } catch (IOException e) {
      log.warn("graph-store: releasing the data directory lock failed", e);
    }
    log.info("graph-store: closed {} ({} queued samples flushed, {} dropped) in {} ms", dataDir.toAbsolutePath(),
        queued - left, left, (System.nanoTime() - t0) / 1_000_000);
  }
}
