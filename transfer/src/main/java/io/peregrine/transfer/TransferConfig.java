package io.peregrine.transfer;

import io.peregrine.common.config.Checks;
import io.peregrine.common.model.Limits;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.tls.TlsConfig;
import java.time.Duration;
import java.util.List;

/**
 * Transfer's settings (section {@code transfer}). Every destination (the graph ring, the judge ring, each
 * remote-write URL, the upstream transfers) gets its own queue with the budgets below.
 *
 * @param grpcListen gRPC ingest (Transfer service)
 * @param httpListen Open-Falcon {@code POST /api/push}, {@code /metrics}, {@code /health}
 * @param graphNodes the graph ring: {@code name=host:port}; the name places the node on the ring
 * @param judgeNodes the judge ring, same form
 * @param batchSize samples per forwarded batch
 * @param flushInterval longest a lane waits for a full batch once samples are there (then sends what it has)
 * @param memoryBudget bytes of encoded samples each destination keeps in memory
 * @param callTimeout deadline of one forwarding call
 * @param grpcThreads threads running ingest calls
 * @param httpThreads threads running HTTP requests
 * @param queueDir directory of the destinations' disk queues; empty = memory only (lost on a crash)
 * @param diskBudget bytes of disk queue per destination; ingest refuses (RESOURCE_EXHAUSTED, 429) beyond it
 * @param segmentBytes size at which a disk queue starts a new segment file (at most a quarter of a lane's
 *     share of the disk budget, so whole segments can be deleted well before the budget is reached)
 * @param fsyncInterval how often the disk queues are forced to the device (what a power loss can take)
 * @param lanesPerNode calls in flight per destination node; a series always uses the same lane
 * @param shutdownTimeout one deadline for all destinations to hand on what they hold at shutdown
 * @param remoteWriteUrls Prometheus remote-write receivers, each its own destination
 * @param upstreamNodes upstream transfers ({@code name=host:port}) that get everything (chaining)
 * @param jsonRpcListen Open-Falcon's JSON-RPC {@code Transfer.Update} (TCP); empty = off
 * @param jsonRpcMaxConnections JSON-RPC connections open at once (one thread each)
 * @param jsonRpcIdleTimeout a JSON-RPC connection silent this long is closed
 * @param tls TLS of this component's listeners and of the channels it opens (see docs/SECURITY.md); off = plaintext
 * @param auth tokens this component wants on its APIs and sends on its calls (see docs/SECURITY.md); off by
 *     default
 */
public record TransferConfig(
    String grpcListen,
    String httpListen,
    List<String> graphNodes,
    List<String> judgeNodes,
    int batchSize,
    Duration flushInterval,
    long memoryBudget,
    Duration callTimeout,
    int grpcThreads,
    int httpThreads,
    String queueDir,
    long diskBudget,
    long segmentBytes,
    Duration fsyncInterval,
    int lanesPerNode,
    Duration shutdownTimeout,
    List<String> remoteWriteUrls,
    List<String> upstreamNodes,
    String jsonRpcListen,
    int jsonRpcMaxConnections,
    Duration jsonRpcIdleTimeout,
    TlsConfig tls,
    AuthConfig auth) {

  /** Big enough to amortise a gRPC call (~50 us) over >= 1,000 samples, small enough to stay well under 1 MiB. */
  public static final int DEFAULT_BATCH_SIZE = 2_000;
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(100);
  /**
   * 16 MiB per destination holds ~200,000 samples of ~80 bytes: enough to ride out a GC pause of graph without
   * reading the disk queue back, and small enough that two destinations fit the launcher's 128 MB heap (RSS under
   * 256 MB). Beyond it, batches wait in the disk queue (every accepted batch is written there anyway).
   */
  public static final long DEFAULT_MEMORY_BUDGET = 16L << 20;
  /** 4 GiB per destination holds ~50 million samples: a 100 s outage at 500,000 samples/s. */
  public static final long DEFAULT_DISK_BUDGET = 4L << 30;
  public static final long DEFAULT_SEGMENT_BYTES = 32L << 20;
  /** A second of samples at risk on power loss (never on a process crash): the usual database trade-off. */
  public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofSeconds(1);
  /** Two calls in flight per node hide a round trip; more adds little on loopback and splits batches. */
  public static final int DEFAULT_LANES = 2;
  /** Fits Kubernetes' default 30 s grace period with the receivers' own 10 s. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);
  public static final String DEFAULT_QUEUE_DIR = "./data/transfer/queue";
  /** Open-Falcon agents keep one connection each to a transfer; proxies a few. */
  public static final int DEFAULT_RPC_CONNECTIONS = 256;
  /** Open-Falcon agents push every 60 s on a kept connection: longer than that, plus slack. */
  public static final Duration DEFAULT_RPC_IDLE = Duration.ofSeconds(150);

  public TransferConfig {
    tls = tls == null ? TlsConfig.off() : tls;
    auth = (auth == null ? AuthConfig.off() : auth).requireHbsUrl("transfer");
    Checks.address("transfer.grpcListen", grpcListen);
    Checks.address("transfer.httpListen", httpListen);
    graphNodes = List.copyOf(graphNodes == null ? List.of() : graphNodes);
    judgeNodes = List.copyOf(judgeNodes == null ? List.of() : judgeNodes);
    remoteWriteUrls = List.copyOf(remoteWriteUrls == null ? List.of() : remoteWriteUrls);
    upstreamNodes = List.copyOf(upstreamNodes == null ? List.of() : upstreamNodes);
    queueDir = queueDir == null ? "" : queueDir.trim();
    NodeSpec.parseAll("transfer.graphNodes", graphNodes);
    NodeSpec.parseAll("transfer.judgeNodes", judgeNodes);
    NodeSpec.parseAll("transfer.upstreamNodes", upstreamNodes);
    for (String url : remoteWriteUrls) {
      RemoteWriteUrls.check("transfer.remoteWriteUrls", url);
    }
    Checks.inRange("transfer.batchSize", batchSize, 1, Limits.MAX_BATCH_SAMPLES);
    Checks.positive("transfer.flushInterval", flushInterval);
    if (memoryBudget < 1) {
      throw new IllegalArgumentException("transfer.memoryBudget must be positive, got " + memoryBudget);
    }
    Checks.positive("transfer.callTimeout", callTimeout);
    Checks.positive("transfer.grpcThreads", grpcThreads);
    Checks.positive("transfer.httpThreads", httpThreads);
    Checks.positive("transfer.fsyncInterval", fsyncInterval);
    Checks.inRange("transfer.lanesPerNode", lanesPerNode, 1, 64);
    Checks.positive("transfer.shutdownTimeout", shutdownTimeout);
    jsonRpcListen = jsonRpcListen == null ? "" : jsonRpcListen.trim();
    if (!jsonRpcListen.isEmpty()) {
      Checks.address("transfer.jsonRpcListen", jsonRpcListen);
    }
    Checks.inRange("transfer.jsonRpcMaxConnections", jsonRpcMaxConnections, 1, 10_000);
    Checks.positive("transfer.jsonRpcIdleTimeout", jsonRpcIdleTimeout);
    if (segmentBytes < (1 << 20) || segmentBytes > (1L << 30)) {
      throw new IllegalArgumentException("transfer.segmentBytes must be 1 MiB .. 1 GiB, got " + segmentBytes);
    }
    if (!queueDir.isEmpty() && diskBudget < (1 << 20)) {
      throw new IllegalArgumentException("transfer.diskBudget must be at least 1 MiB with a queueDir, got "
          + diskBudget);
    }
  }

  public static TransferConfig defaults() {
    return new TransferConfig("127.0.0.1:8434", "127.0.0.1:6060", List.of("graph-0=127.0.0.1:6070"),
        List.of("judge-0=127.0.0.1:6080"), DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL, DEFAULT_MEMORY_BUDGET,
        DEFAULT_CALL_TIMEOUT, 4, 4, DEFAULT_QUEUE_DIR, DEFAULT_DISK_BUDGET, DEFAULT_SEGMENT_BYTES,
        DEFAULT_FSYNC_INTERVAL, DEFAULT_LANES, DEFAULT_SHUTDOWN_TIMEOUT, List.of(), List.of(), "127.0.0.1:8433",
        DEFAULT_RPC_CONNECTIONS, DEFAULT_RPC_IDLE, TlsConfig.off(), AuthConfig.off());
  }

  public TransferConfig withNodes(List<String> graph, List<String> judge) {
    return new TransferConfig(grpcListen, httpListen, graph, judge, batchSize, flushInterval, memoryBudget,
        callTimeout, grpcThreads, httpThreads, queueDir, diskBudget, segmentBytes, fsyncInterval, lanesPerNode,
        shutdownTimeout, remoteWriteUrls, upstreamNodes, jsonRpcListen,
        jsonRpcMaxConnections, jsonRpcIdleTimeout, tls, auth);
  }

  public TransferConfig withJsonRpc(String listen, int maxConnections, Duration idle) {
    return new TransferConfig(grpcListen, httpListen, graphNodes, judgeNodes, batchSize, flushInterval,
        memoryBudget, callTimeout, grpcThreads, httpThreads, queueDir, diskBudget, segmentBytes, fsyncInterval,
        lanesPerNode, shutdownTimeout, remoteWriteUrls, upstreamNodes, listen, maxConnections, idle, tls, auth);
  }

  public TransferConfig withListen(String grpc, String http) {
    return new TransferConfig(grpc, http, graphNodes, judgeNodes, batchSize, flushInterval, memoryBudget,
        callTimeout, grpcThreads, httpThreads, queueDir, diskBudget, segmentBytes, fsyncInterval, lanesPerNode,
        shutdownTimeout, remoteWriteUrls, upstreamNodes, jsonRpcListen,
        jsonRpcMaxConnections, jsonRpcIdleTimeout, tls, auth);
  }

  /** The disk queues under {@code dir} ("" = memory only), with {@code memory} bytes in memory per destination. */
  public TransferConfig withQueue(String dir, long memory, long disk) {
    return new TransferConfig(grpcListen, httpListen, graphNodes, judgeNodes, batchSize, flushInterval, memory,
        callTimeout, grpcThreads, httpThreads, dir, disk, segmentBytes, fsyncInterval, lanesPerNode,
        shutdownTimeout, remoteWriteUrls, upstreamNodes, jsonRpcListen,
        jsonRpcMaxConnections, jsonRpcIdleTimeout, tls, auth);
  }

  public TransferConfig withRemoteWrite(List<String> urls) {
    return new TransferConfig(grpcListen, httpListen, graphNodes, judgeNodes, batchSize, flushInterval,
        memoryBudget, callTimeout, grpcThreads, httpThreads, queueDir, diskBudget, segmentBytes, fsyncInterval,
        lanesPerNode, shutdownTimeout, urls, upstreamNodes, jsonRpcListen,
        jsonRpcMaxConnections, jsonRpcIdleTimeout, tls, auth);
  }

  public TransferConfig withUpstream(List<String> nodes) {
    return new TransferConfig(grpcListen, httpListen, graphNodes, judgeNodes, batchSize, flushInterval,
        memoryBudget, callTimeout, grpcThreads, httpThreads, queueDir, diskBudget, segmentBytes, fsyncInterval,
        lanesPerNode, shutdownTimeout, remoteWriteUrls, nodes, jsonRpcListen,
        jsonRpcMaxConnections, jsonRpcIdleTimeout, tls, auth);
  }

  public TransferConfig withBatching(int size, Duration flush, int lanes) {
    return new TransferConfig(grpcListen, httpListen, graphNodes, judgeNodes, size, flush, memoryBudget,
        callTimeout, grpcThreads, httpThreads, queueDir, diskBudget, segmentBytes, fsyncInterval, lanes,
        shutdownTimeout, remoteWriteUrls, upstreamNodes, jsonRpcListen,
        jsonRpcMaxConnections, jsonRpcIdleTimeout, tls, auth);
  }

  /** The same settings with another {@code auth} block. */
  public TransferConfig withAuth(AuthConfig a) {
    return new TransferConfig(
        grpcListen, httpListen, graphNodes, judgeNodes, batchSize, flushInterval, memoryBudget, callTimeout,
        grpcThreads, httpThreads, queueDir, diskBudget, segmentBytes, fsyncInterval, lanesPerNode, shutdownTimeout,
        remoteWriteUrls, upstreamNodes, jsonRpcListen, jsonRpcMaxConnections, jsonRpcIdleTimeout, tls, a);
  }
}
