package io.peregrine.graph.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.graph.GraphConfig;
import io.peregrine.proto.v1.Consolidation;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graph's embedded store: series in fixed slots of shared, memory-mapped segment files (see {@link Segment}), a
 * persisted series index, and a bounded write queue drained by one writer thread.
 *
 * <p>Write path: {@link #offer} queues a validated sample, or refuses it when the queue is full
 * ({@link Admission#QUEUE_FULL}: the sender retries) or when its step or counter type contradict the stored series.
 * The writer consolidates it into its slot ({@link Consolidator}).
 *
 * <p>Reads ({@link #query}, {@link #last}, {@link #list} and the index lookups) run on the caller's thread and see
 * every sample the writer has applied, the step in progress included.
 *
 * <p>Durability: applied samples are in the page cache at once, so a killed process loses only what is still
 * queued; the segments are forced to disk every {@code flushInterval} (and at close), so an operating system crash
 * or power loss loses at most that interval.
 */
public final class GraphStore implements Component {
  private static final Logger log = LoggerFactory.getLogger(GraphStore.class);
  /** The year 5138: far beyond any real range, small enough that step arithmetic never overflows. */
  static final long MAX_TIMESTAMP = 100_000_000_000L;
  /** How often the retention sweep runs; a series outlives its retention by at most this much. */
  static final Duration SWEEP_INTERVAL = Duration.ofMinutes(10);

  private final GraphConfig config;
  private final Clock clock;
  private final Path dataDir;
  private final Drops drops;
  private final MeterRegistry registry;
  private final ArrayBlockingQueue<StoreWriter.Pending> queue;
  private final SeriesIndex index;
  private final ArchiveLayout layout;
  private final SegmentFiles files;
  private final StoreReader reader;
  private final ReentrantLock mutations = new ReentrantLock();
  private final Counter stored;
  private final Counter created;
  private final Counter corruptFiles;
  private final Counter damagedSlots;
  private final Timer flushTimer;
  private final SeriesDeletion deletion;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean running;
  private volatile boolean stopping;
  private volatile boolean writerAlive;
  private DataDirLock lock;
  private ThreadPoolExecutor writerExecutor;
  private ScheduledExecutorService scheduler;

  public GraphStore(GraphConfig config, MeterRegistry registry, Drops drops) {
    this(config, registry, drops, Clock.systemUTC());
  }

  /** @param clock the retention sweep's notion of now */
  public GraphStore(GraphConfig config, MeterRegistry registry, Drops drops, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.registry = registry;
    this.dataDir = Path.of(config.dataDir());
    this.drops = drops;
    this.queue = new ArrayBlockingQueue<>(config.writeQueueCapacity());
    this.index = new SeriesIndex(dataDir);
    this.layout = ArchiveLayout.withRawRows(config.rawRows());
    this.corruptFiles = Counter.builder("graph_corrupt_files")
        .description("segment files and series logs found damaged at start and moved aside").register(registry);
    this.damagedSlots = Counter.builder("graph_damaged_slots")
        .description("series whose slot state contradicted the series log, started afresh").register(registry);
    this.files = new SegmentFiles(dataDir, layout, corruptFiles);
    this.reader = new StoreReader(index, files, config.maxQueryPoints());
    this.stored = Counter.builder("graph_stored_samples").description("samples applied to their series")
        .register(registry);
    this.created = Counter.builder("graph_created_series").description("series created").register(registry);
    this.deletion = new SeriesDeletion(index, files, mutations, registry, clock, config.retention());
    this.flushTimer = Timer.builder("graph_flush").description("forcing the segment files to disk")
        .register(registry);
    StoreGauges.register(registry, config, index, queue, files);
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
    Rrd4jDirectory.refuse(dataDir);
    lock = DataDirLock.acquire(dataDir);
    try {
      SeriesIndex.Loaded loadedIndex = index.load();
      int loaded = loadedIndex.series();
      int corrupt = files.open();
      if (loadedIndex.movedAside()) {
        corruptFiles.increment();
        corrupt++;
      }
      if (withWriter) {
        writerExecutor = NamedExecutors.fixed("graph-writer", 1, 1, new ThreadPoolExecutor.AbortPolicy());
        StoreWriter writer = new StoreWriter(queue, index, files, mutations, config.maxSeries(), HeapEstimate.indexBudget(config), drops, stored,
            created, damagedSlots, () -> stopping);
        writerAlive = true;
        writerExecutor.execute(() -> {
          try {
            writer.run();
          } finally {
            writerAlive = false;
          }
        });
        scheduler = NamedExecutors.scheduled("graph-store-schedule");
        long flushMs = config.flushInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::flushQuietly, flushMs, flushMs, TimeUnit.MILLISECONDS);
        long sweepMs = Math.min(SWEEP_INTERVAL.toMillis(), config.retention().toMillis());
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
      }
      running = true;
      log.info("graph-store: opened {} with {} series in {} segments ({} files moved aside as corrupt) in {} ms (write "
              + "queue {} samples, memory budget {} bytes, flush every {}, retention {}, archives: {})",
          dataDir.toAbsolutePath(), loaded, files.count(), corrupt, (System.nanoTime() - t0) / 1_000_000,
          config.writeQueueCapacity(), config.memoryBudget(), config.flushInterval(), config.retention(), layout);
      if (index.heapBytes() > HeapEstimate.indexBudget(config)) {
        log.warn("graph-store: the {} series loaded are reckoned at {} bytes, more than the {} graph.memoryBudget "
            + "leaves the index: they are kept, new series are refused", loaded, index.heapBytes(),
            HeapEstimate.indexBudget(config));
      }
    } catch (IOException | RuntimeException e) {
      files.close();
      index.close();
      lock.close();
      lock = null;
      throw e;
    }
  }

  /**
   * Queues one validated, normalised sample (canonical tags, timestamp in seconds). Never blocks.
   */
  public Admission offer(Sample sample) {
    String key = SeriesKey.of(sample);
    SeriesMeta known = index.get(key);
    if (known != null) {
      if (known.step() != sample.getStep()) {
        return Admission.STEP_MISMATCH;
      }
      if (known.counterType() != sample.getCounterType()) {
        return Admission.TYPE_MISMATCH;
      }
    }
    if (!running) {
      return Admission.NOT_RUNNING;
    }
    return queue.offer(new StoreWriter.Pending(key, sample)) ? Admission.ACCEPTED : Admission.QUEUE_FULL;
  }

  public Optional<SeriesMeta> series(String key) {
    return Optional.ofNullable(index.get(key));
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
  public Optional<QueryResult> query(String key, Consolidation cf, long start, long end, int resolution) {
    return reader.query(key, cf, start, start, end, resolution);
  }

  /**
   * {@link #query} from {@code lookbackStart}, with the archive chosen for {@code [start, end]}: the Prometheus API
   * reads 5 minutes before its range, and those points (NaN where the archive does not reach) must not send a day
   * to a coarser archive than the day alone would read.
   */
  public Optional<QueryResult> queryWithLookback(String key, Consolidation cf, long lookbackStart, long start,
      long end, int resolution) {
    return reader.query(key, cf, lookbackStart, start, end, resolution);
  }

  /** {@link #query} for many series at once; unknown ones are left out. The point limit applies to each. */
  public List<QueryResult> query(List<String> keys, Consolidation cf, long start, long end, int resolution) {
    return reader.query(keys, cf, start, end, resolution);
  }

  /** The newest raw sample of a series (a counter's reading, not its rate), exactly as pushed. */
  public Optional<LastPoint> last(String key) {
    return reader.last(key);
  }

  /** Series sorted by key; see {@link SeriesIndex#list}. */
  public SeriesPage list(String endpoint, String metricPrefix, int limit) {
    return index.list(endpoint, metricPrefix, limit);
  }

  /** Read access to the index's lookups (endpoints, counters, Prometheus names and labels). */
  public IndexView index() {
    return new IndexView(index);
  }

  /**
   * Deletes the series matching: every series of {@code endpoint} (metric empty), one counter of an endpoint
   * (metric, and tags when {@code exactTags}), or a counter on every endpoint (endpoint empty).
   *
   * @return how many series were deleted
   */
  public int delete(String endpoint, String metric, String tags, boolean exactTags) throws IOException {
    return deletion.delete(endpoint, metric, tags, exactTags);
  }

  /**
   * Deletes every series whose newest sample is older than the retention, by the store's clock. Runs every
   * {@link #SWEEP_INTERVAL}; public for tests with an injected clock.
   *
   * @return how many series were deleted
   */
  public int sweepRetention() throws IOException {
    return deletion.sweepRetention();
  }

  /** Forces every segment and the series log to disk now and returns how long it took. */
  public Duration flush() {
    long t0 = System.nanoTime();
    files.force();
    try {
      index.force();
    } catch (IOException e) {
      log.error("graph-store: forcing the series log to disk failed", e);
    }
    long took = System.nanoTime() - t0;
    flushTimer.record(took, TimeUnit.NANOSECONDS);
    return Duration.ofNanos(took);
  }

  private void flushQuietly() {
    try {
      Duration took = flush();
      if (took.toMillis() > 5_000) {
        log.warn("graph-store: forcing {} segments to disk took {} ms", files.count(), took.toMillis());
      }
    } catch (RuntimeException | Error e) {
      log.error("graph-store: flush failed", e);
    }
  }

  private void sweepQuietly() {
    try {
      sweepRetention();
    } catch (IOException | RuntimeException e) {
      log.error("graph-store: retention sweep failed", e);
    }
  }

  /**
   * Disk bytes one series takes once every archive is full (its consolidation state and every cell): 34,208 with
   * Open-Falcon's 720 raw rows, 4 bytes more per further raw row.
   */
  public long fullSeriesBytes() {
    return layout.fullSeriesBytes();
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
   * What a killed process leaves behind, for tests: the writer and the schedule stop at once, nothing is forced
   * or closed, the directory lock is released. What the writer applied stays in the page cache, as after kill -9.
   */
  void abandon() throws IOException {
    closed.set(true);
    running = false;
    stopping = true;
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (writerExecutor != null) {
      writerExecutor.shutdownNow();
      try {
        writerExecutor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    lock.close();
  }

  /**
   * Stops taking samples, lets the writer apply what is queued (up to the shutdown timeout, then counts the rest as
   * dropped with reason {@code shutdown}), then forces and closes every segment and the index.
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
    if (scheduler != null) {
      NamedExecutors.shutdown(scheduler, "graph-store-schedule", Duration.ofSeconds(5));
    }
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
    mutations.lock();
    try {
      files.close();
      index.close();
    } finally {
      mutations.unlock();
    }
    try {
      lock.close();
    } catch (IOException e) {
      log.warn("graph-store: releasing the data directory lock failed", e);
    }
    log.info("graph-store: closed {} ({} queued samples applied, {} dropped) in {} ms", dataDir.toAbsolutePath(),
        queued - left, left, (System.nanoTime() - t0) / 1_000_000);
  }
}
