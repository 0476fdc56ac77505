package io.peregrine.transfer;

import io.peregrine.common.config.Checks;
import java.time.Duration;
import java.util.List;

/**
 * Transfer's settings (section {@code transfer}).
 *
 * @param grpcListen gRPC ingest (Transfer service)
 * @param httpListen Open-Falcon {@code POST /api/push}, {@code /metrics}, {@code /health}
 * @param graphNodes the graph ring: {@code name=host:port}; the name places the node on the ring
 * @param judgeNodes the judge ring, same form
 * @param batchSize samples per forwarded batch
 * @param flushInterval longest a sample waits for its batch to fill
 * @param queueCapacity samples buffered per destination node; when full, ingest answers OVERLOADED
 * @param callTimeout deadline of one forwarding call
 * @param grpcThreads threads running ingest calls
 * @param httpThreads threads running HTTP requests
 */
public record TransferConfig(
    String grpcListen,
    String httpListen,
    List<String> graphNodes,
    List<String> judgeNodes,
    int batchSize,
    Duration flushInterval,
    int queueCapacity,
    Duration callTimeout,
    int grpcThreads,
    int httpThreads) {

  /** Big enough to amortise a gRPC call (~50 us) over >= 1,000 samples, small enough to stay well under 1 MiB. */
  public static final int DEFAULT_BATCH_SIZE = 2_000;
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(100);
  /** About one second of a fast node's traffic: rides out a GC pause or a restart of graph without refusing pushes. */
  public static final int DEFAULT_QUEUE_CAPACITY = 500_000;
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);

  public TransferConfig {
    Checks.address("transfer.grpcListen", grpcListen);
    Checks.address("transfer.httpListen", httpListen);
    graphNodes = List.copyOf(graphNodes == null ? List.of() : graphNodes);
    judgeNodes = List.copyOf(judgeNodes == null ? List.of() : judgeNodes);
    NodeSpec.parseAll("transfer.graphNodes", graphNodes);
    NodeSpec.parseAll("transfer.judgeNodes", judgeNodes);
    Checks.inRange("transfer.batchSize", batchSize, 1, io.peregrine.common.model.Limits.MAX_BATCH_SAMPLES);
    Checks.positive("transfer.flushInterval", flushInterval);
    Checks.positive("transfer.queueCapacity", queueCapacity);
    Checks.positive("transfer.callTimeout", callTimeout);
    Checks.positive("transfer.grpcThreads", grpcThreads);
    Checks.positive("transfer.httpThreads", httpThreads);
  }

  public static TransferConfig defaults() {
    return new TransferConfig("127.0.0.1:8434", "127.0.0.1:6060", List.of("graph-0=127.0.0.1:6070"),
        List.of("judge-0=127.0.0.1:6080"), DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL, DEFAULT_QUEUE_CAPACITY,
        DEFAULT_CALL_TIMEOUT, 4, 4);
  }

  public TransferConfig withNodes(List<String> graph, List<String> judge) {
    return new TransferConfig(grpcListen, httpListen, graph, judge, batchSize, flushInterval, queueCapacity,
        callTimeout, grpcThreads, httpThreads);
  }

  public TransferConfig withListen(String grpc, String http) {
    return new TransferConfig(grpc, http, graphNodes, judgeNodes, batchSize, flushInterval, queueCapacity,
        callTimeout, grpcThreads, httpThreads);
  }
}
