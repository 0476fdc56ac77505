package io.peregrine.graph;

import io.peregrine.common.config.Checks;
import java.time.Duration;

/**
 * Graph's settings (section {@code graph}).
 *
 * @param grpcListen the Graph gRPC service (Push from transfer, Query, Last, ListSeries)
 * @param httpListen the JSON query API, {@code /metrics}, {@code /health}
 * @param dataDir where the series index and one RRD file per series live; one graph process per directory
 * @param grpcThreads threads running gRPC calls
 * @param httpThreads threads running HTTP requests
 * @param writeQueueCapacity samples accepted but not yet written; when full, Push answers OVERLOADED for the rest of
 *     the batch so that transfer retries them
 * @param maxOpenFiles RRD files the writer keeps open (memory-mapped) between batches; beyond it the least recently
 *     written file is closed. Writing is several times faster when every active series fits; at start it is
 *     lowered to half the process's file descriptor limit if that is smaller
 * @param maxQueryPoints most points one Query may return
 * @param shutdownTimeout longest close() waits for the writer to drain the queue before counting the rest as dropped
 */
public record GraphConfig(
    String grpcListen,
    String httpListen,
    String dataDir,
    int grpcThreads,
    int httpThreads,
    int writeQueueCapacity,
    int maxOpenFiles,
    int maxQueryPoints,
    Duration shutdownTimeout) {

  /**
   * Two minutes of a node holding 100,000 series at a 60 s step (about 1,700 samples/s), so a slow disk or a long GC
   * pause is ridden out without refusing pushes. A queued sample costs about 300 bytes of heap (the protobuf sample
   * plus its strings), so a full queue is about 60 MiB.
   */
  public static final int DEFAULT_WRITE_QUEUE_CAPACITY = 200_000;
  /**
   * Each open file is one file descriptor and a 68 KiB mapping (a few pages of it resident): 8,192 keep the series of
   * about 50 hosts open, well inside the kernel's 65,530 mappings; the start-up clamp keeps it inside the
   * descriptor limit.
   */
  public static final int DEFAULT_MAX_OPEN_FILES = 8_192;
  /** A year at the coarsest archive (12 h) is 730 points; 10,000 points is about 200 KB on the wire. */
  public static final int DEFAULT_MAX_QUERY_POINTS = 10_000;
  /** A full default queue drains in a few seconds on a local disk; 30 s leaves room for a slow one. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  public GraphConfig {
    Checks.address("graph.grpcListen", grpcListen);
    Checks.address("graph.httpListen", httpListen);
    Checks.notBlank("graph.dataDir", dataDir);
    Checks.positive("graph.grpcThreads", grpcThreads);
    Checks.positive("graph.httpThreads", httpThreads);
    Checks.positive("graph.writeQueueCapacity", writeQueueCapacity);
    Checks.inRange("graph.maxOpenFiles", maxOpenFiles, 1, 60_000);
    Checks.inRange("graph.maxQueryPoints", maxQueryPoints, 100, 1_000_000);
    Checks.positive("graph.shutdownTimeout", shutdownTimeout);
  }

  public static GraphConfig defaults() {
    return new GraphConfig("127.0.0.1:6070", "127.0.0.1:6071", "./data/graph", 4, 4, DEFAULT_WRITE_QUEUE_CAPACITY,
        DEFAULT_MAX_OPEN_FILES, DEFAULT_MAX_QUERY_POINTS, DEFAULT_SHUTDOWN_TIMEOUT);
  }

  /** The same settings listening on other addresses (tests and all-in-one use port 0). */
  public GraphConfig withListen(String grpc, String http) {
    return new GraphConfig(grpc, http, dataDir, grpcThreads, httpThreads, writeQueueCapacity, maxOpenFiles,
        maxQueryPoints, shutdownTimeout);
  }

  public GraphConfig withDataDir(String dir) {
    return new GraphConfig(grpcListen, httpListen, dir, grpcThreads, httpThreads, writeQueueCapacity, maxOpenFiles,
        maxQueryPoints, shutdownTimeout);
  }

  public GraphConfig withWriteQueueCapacity(int capacity) {
    return new GraphConfig(grpcListen, httpListen, dataDir, grpcThreads, httpThreads, capacity, maxOpenFiles,
        maxQueryPoints, shutdownTimeout);
  }
}
