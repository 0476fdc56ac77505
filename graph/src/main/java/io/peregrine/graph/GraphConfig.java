package io.peregrine.graph;

import io.peregrine.common.config.Checks;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.tls.TlsConfig;
import java.time.Duration;

/**
 * Graph's settings (section {@code graph}).
 *
 * @param grpcListen the Graph gRPC service (Push from transfer, Query, Last, ListSeries)
 * @param httpListen the JSON query API, the Prometheus read API, {@code /metrics}, {@code /health}
 * @param dataDir where the series log and the segment files live; one graph process per directory
 * @param grpcThreads threads running gRPC calls
 * @param httpThreads threads running HTTP requests
 * @param writeQueueCapacity samples accepted but not yet applied; when full, Push answers OVERLOADED for the rest of
 *     the batch so that transfer retries them
 * @param maxSeries most series this node holds; samples of further new series are dropped (counted as
 *     {@code series_limit}). Bounds the disk
 * @param memoryBudget bytes of heap the index and the write queue may take, as reckoned by {@code HeapEstimate}:
 *     the queue's share is {@code writeQueueCapacity} times {@link #QUEUED_SAMPLE_BYTES}, the index takes the rest;
 *     when it is spent, samples of further new series are dropped (counted as {@code memory_budget}) and existing
 *     series go on
 * @param maxQueryPoints most points one Query may return
 * @param shutdownTimeout longest close() waits for the writer to drain the queue before counting the rest as dropped
 * @param flushInterval how often the segment files are forced to disk: an operating system crash or power loss loses
 *     at most this much of what was applied (a killed process loses only its write queue)
 * @param retention a series with no sample for this long is deleted from the index and its slot freed
 * @param rawRows steps the raw (one point per step) archive keeps, 1..{@link #MAX_RAW_ROWS}: 1,440 (a day at 60 s)
 *     by default, Open-Falcon's 720 (12 h) for directories created by earlier builds. Rows, not a duration, because the series of one node
 *     have different steps and the archives are sized in rows. A data directory keeps the value it was created
 *     with: opening it with another one fails (export and re-create to change it)
 * @param tls TLS of this component's listeners and of the channels it opens (see docs/SECURITY.md); off = plaintext
 * @param auth tokens this component wants on its APIs and sends on its calls (see docs/SECURITY.md); off by
 *     default
 */
public record GraphConfig(
    String grpcListen,
    String httpListen,
    String dataDir,
    int grpcThreads,
    int httpThreads,
    int writeQueueCapacity,
    int maxSeries,
    long memoryBudget,
    int maxQueryPoints,
    Duration shutdownTimeout,
    Duration flushInterval,
    Duration retention,
    int rawRows,
    TlsConfig tls,
    AuthConfig auth) {

  /**
   * Two minutes of a node holding 100,000 series at a 60 s step (about 1,700 samples/s), so a slow disk or a long GC
   * pause is ridden out without refusing pushes. A queued sample is reckoned at {@link #QUEUED_SAMPLE_BYTES} bytes of
   * heap (the protobuf sample plus its strings), so a full queue is about 70 MB.
   */
  public static final int DEFAULT_WRITE_QUEUE_CAPACITY = 200_000;
  /**
   * Two million series: about 0.6-0.9 GiB of heap for the index (305-419 bytes per series) and 74 GB of segment
   * files when every archive is full (37 KB per series), a fleet of 10,000 hosts at 200 series each. With the default
   * {@link #DEFAULT_MEMORY_BUDGET} the budget binds first; raise both together.
   */
  public static final int DEFAULT_MAX_SERIES = 2_000_000;
  /**
   * 512 MiB: the write queue's 70 MB and about 1,110,000 series of 40-character keys (reckoned at 420 bytes each);
   * half of the launcher's 1 GiB heap for graph.
   */
  public static final long DEFAULT_MEMORY_BUDGET = 512L << 20;
  /**
   * Bytes a queued sample is reckoned at: the protobuf sample, its strings, its key and the queue entry (measured:
   * 332 bytes for a 36-character key).
   */
  public static final int QUEUED_SAMPLE_BYTES = 350;
  /** A year at the coarsest archive (12 h) is 730 points; 10,000 points is about 200 KB on the wire. */
  public static final int DEFAULT_MAX_QUERY_POINTS = 10_000;
  /** A full default queue drains in about a second; 30 s leaves room for a slow disk. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  /** The kernel writes dirty pages back within about 30 s anyway; forcing as often bounds what a power loss costs. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(30);
  /** Open-Falcon never forgets a series; a month keeps a host that is down for maintenance. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
  /** Open-Falcon's raw archive: 720 steps, 12 h at 60 s (the default of the builds before 2026-12-03). */
  public static final int OPEN_FALCON_RAW_ROWS = 720;
  /**
   * A day at 60 s, not Open-Falcon's 720: a one-day range at the 1-minute step is then read from the raw archive
   * (1,441 points; Open-Falcon answers it from the 5-minute one), for 2,880 bytes more per series at full retention
   * (37,088 instead of 34,208: 8 %). Data directories created with 720 are refused until {@code graph.rawRows: 720}
   * is set (the header records the length).
   */
  public static final int DEFAULT_RAW_ROWS = 1_440;
  /**
   * About 69 days at 60 s: a segment file of 4,096 series is then 1.77 GB, under the 2 GiB one memory mapping
   * addresses.
   */
  public static final int MAX_RAW_ROWS = 100_000;

  public GraphConfig {
    tls = tls == null ? TlsConfig.off() : tls;
    auth = (auth == null ? AuthConfig.off() : auth).requireHbsUrl("graph");
    Checks.address("graph.grpcListen", grpcListen);
    Checks.address("graph.httpListen", httpListen);
    Checks.notBlank("graph.dataDir", dataDir);
    Checks.positive("graph.grpcThreads", grpcThreads);
    Checks.positive("graph.httpThreads", httpThreads);
    Checks.positive("graph.writeQueueCapacity", writeQueueCapacity);
    Checks.inRange("graph.maxSeries", maxSeries, 1, 100_000_000);
    long queueShare = (long) writeQueueCapacity * QUEUED_SAMPLE_BYTES;
    if (memoryBudget <= queueShare) {
      throw new IllegalArgumentException("graph.memoryBudget must be bytes, more than the write queue's share "
          + "(graph.writeQueueCapacity " + writeQueueCapacity + " x " + QUEUED_SAMPLE_BYTES + " bytes = "
          + queueShare + "), to leave room for the index: " + memoryBudget);
    }
    Checks.inRange("graph.maxQueryPoints", maxQueryPoints, 100, 1_000_000);
    Checks.positive("graph.shutdownTimeout", shutdownTimeout);
    Checks.positive("graph.flushInterval", flushInterval);
    Checks.positive("graph.retention", retention);
    Checks.inRange("graph.rawRows", rawRows, 1, MAX_RAW_ROWS);
  }

  public static GraphConfig defaults() {
    return new GraphConfig("127.0.0.1:6070", "127.0.0.1:6071", "./data/graph", 4, 4, DEFAULT_WRITE_QUEUE_CAPACITY,
        DEFAULT_MAX_SERIES, DEFAULT_MEMORY_BUDGET, DEFAULT_MAX_QUERY_POINTS, DEFAULT_SHUTDOWN_TIMEOUT, DEFAULT_FLUSH_INTERVAL,
        DEFAULT_RETENTION, DEFAULT_RAW_ROWS, TlsConfig.off(), AuthConfig.off());
  }

  /** The same settings listening on other addresses (tests and all-in-one use port 0). */
  public GraphConfig withListen(String grpc, String http) {
    return new GraphConfig(grpc, http, dataDir, grpcThreads, httpThreads, writeQueueCapacity, maxSeries,
        memoryBudget, maxQueryPoints, shutdownTimeout, flushInterval, retention, rawRows, tls, auth);
  }

  public GraphConfig withDataDir(String dir) {
    return new GraphConfig(grpcListen, httpListen, dir, grpcThreads, httpThreads, writeQueueCapacity, maxSeries,
        memoryBudget, maxQueryPoints, shutdownTimeout, flushInterval, retention, rawRows, tls, auth);
  }

  public GraphConfig withWriteQueueCapacity(int capacity) {
    return new GraphConfig(grpcListen, httpListen, dataDir, grpcThreads, httpThreads, capacity, maxSeries,
        memoryBudget, maxQueryPoints, shutdownTimeout, flushInterval, retention, rawRows, tls, auth);
  }

  public GraphConfig withMaxSeries(int max) {
    return new GraphConfig(grpcListen, httpListen, dataDir, grpcThreads, httpThreads, writeQueueCapacity, max,
        memoryBudget, maxQueryPoints, shutdownTimeout, flushInterval, retention, rawRows, tls, auth);
  }

  public GraphConfig withMemoryBudget(long bytes) {
    return new GraphConfig(grpcListen, httpListen, dataDir, grpcThreads, httpThreads, writeQueueCapacity, maxSeries,
        bytes, maxQueryPoints, shutdownTimeout, flushInterval, retention, rawRows, tls, auth);
  }

  public GraphConfig withFlushInterval(Duration interval) {
    return new GraphConfig(grpcListen, httpListen, dataDir, grpcThreads, httpThreads, writeQueueCapacity, maxSeries,
        memoryBudget, maxQueryPoints, shutdownTimeout, interval, retention, rawRows, tls, auth);
  }

  public GraphConfig withRetention(Duration r) {
    return new GraphConfig(grpcListen, httpListen, dataDir, grpcThreads, httpThreads, writeQueueCapacity, maxSeries,
        memoryBudget, maxQueryPoints, shutdownTimeout, flushInterval, r, rawRows, tls, auth);
  }

  public GraphConfig withRawRows(int rows) {
    return new GraphConfig(grpcListen, httpListen, dataDir, grpcThreads, httpThreads, writeQueueCapacity, maxSeries,
        memoryBudget, maxQueryPoints, shutdownTimeout, flushInterval, retention, rows, tls, auth);
  }

  /** The same settings with another {@code auth} block. */
  public GraphConfig withAuth(AuthConfig a) {
    return new GraphConfig(
        grpcListen, httpListen, dataDir, grpcThreads, httpThreads, writeQueueCapacity, maxSeries, memoryBudget,
        maxQueryPoints, shutdownTimeout, flushInterval, retention, rawRows, tls, a);
  }
}
