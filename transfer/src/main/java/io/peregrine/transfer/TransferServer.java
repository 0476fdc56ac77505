package io.peregrine.transfer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.json.OpenFalconJson;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.server.HttpServerHost;
import io.peregrine.common.server.SelfMetrics;
import io.peregrine.transfer.receive.HttpPushHandler;
import io.peregrine.transfer.receive.Ingest;
import io.peregrine.transfer.receive.TransferServiceImpl;
import io.peregrine.transfer.route.BatchClient;
import io.peregrine.transfer.route.Cluster;
import io.peregrine.transfer.route.GrpcBatchClients;
import io.peregrine.transfer.route.Router;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Transfer: takes batches over gRPC and HTTP, validates each sample, and forwards it to its graph node and its
 * judge node. Stateless apart from its bounded queues, so it scales by adding instances.
 */
public final class TransferServer implements Component {
  private final TransferConfig config;
  private final PrometheusMeterRegistry registry = SelfMetrics.newRegistry("transfer");
  private final Lifecycle lifecycle = new Lifecycle("transfer");
  private final GrpcServerHost grpc;
  private final HttpServerHost http;

  public TransferServer(TransferConfig config, Clock clock) {
    this.config = config;
    List<Cluster> clusters = new ArrayList<>();
    if (!config.graphNodes().isEmpty()) {
      clusters.add(cluster("graph", config.graphNodes(), GrpcBatchClients::graph));
    }
    if (!config.judgeNodes().isEmpty()) {
      clusters.add(cluster("judge", config.judgeNodes(), GrpcBatchClients::judge));
    }
    SampleValidator validator = new SampleValidator(clock);
    Ingest ingest = new Ingest(validator, new Router(clusters), registry);
    HealthChecks health = new HealthChecks();
    this.grpc = new GrpcServerHost("transfer-grpc", config.grpcListen(), config.grpcThreads(),
        List.of(new TransferServiceImpl(ingest)));
    health.add("grpc", grpc::serving);
    this.http = new HttpServerHost("transfer-http", config.httpListen(), config.httpThreads(), registry, health)
        .route("/api/push", new HttpPushHandler(new OpenFalconJson(validator), ingest));
    // senders start first and stop last: on shutdown the receivers stop taking samples, then the queues flush
    clusters.forEach(lifecycle::add);
    lifecycle.add(grpc);
    lifecycle.add(http);
  }

  private Cluster cluster(String kind, List<String> nodes, Function<String, BatchClient> clients) {
    return new Cluster(kind, NodeSpec.parseAll("transfer." + kind + "Nodes", nodes), clients,
        config.queueCapacity(), config.batchSize(), config.flushInterval(), config.callTimeout(), registry);
  }

  @Override
  public String name() {
    return "transfer";
  }

  @Override
  public void start() throws Exception {
    lifecycle.start();
  }

  public int grpcPort() {
    return grpc.port();
  }

  public int httpPort() {
    return http.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    lifecycle.close(); // idempotent: the lifecycle closes its parts once
  }
}
