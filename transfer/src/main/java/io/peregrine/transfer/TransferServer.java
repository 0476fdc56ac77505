package io.peregrine.transfer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.http.NettyHttpServer;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.common.auth.Gatekeeper;
import io.peregrine.common.auth.GrpcTokenInterceptor;
import io.peregrine.common.auth.OwnEndpointInterceptor;
import io.peregrine.common.auth.Scope;
import io.peregrine.common.auth.TokenChecks;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.server.SelfMetrics;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.transfer.receive.HttpPushHandler;
import io.peregrine.transfer.receive.Ingest;
import io.peregrine.transfer.receive.TransferServiceImpl;
import io.peregrine.transfer.route.Destination;
import io.peregrine.transfer.route.Destinations;
import io.peregrine.transfer.route.Router;
import io.peregrine.transfer.rpc.JsonRpcServer;
import io.peregrine.transfer.rpc.TransferRpc;
import io.peregrine.common.model.Limits;
import java.time.Clock;
import java.util.List;

/**
 * Transfer: takes batches over gRPC and HTTP, validates each sample, and forwards it to every destination: the
 * graph node and the judge node that own its series, each remote-write URL, the upstream transfers. Each destination
 * has its own queues (memory, then disk), so one that is slow or away never holds up another.
 */
public final class TransferServer implements Component {
  /** Request bodies held at once across all HTTP connections; beyond it, 503 (two full-size bodies). */
  static final long MAX_BUFFERED_BODIES = 2L * Limits.MAX_MESSAGE_BYTES;

  private final PrometheusMeterRegistry registry = SelfMetrics.newRegistry("transfer");
  private final Lifecycle lifecycle = new Lifecycle("transfer");
  private final Destinations destinations;
  private final GrpcServerHost grpc;
  private final NettyHttpServer http;
  private final JsonRpcServer rpc;

  public TransferServer(TransferConfig config, Clock clock) {
    TlsMaterial tls = new TlsMaterial("transfer", config.tls(), registry).withCallToken(config.auth().token());
    // every route and method of transfer takes samples: push, or a verified client certificate on gRPC
    Gatekeeper gate = TokenChecks.atHbs("transfer", config.auth(), tls, (method, path) -> Scope.PUSH, registry);
    this.destinations = new Destinations(config, registry, tls);
    Router router = new Router(destinations.all(), registry);
    Ingest ingest = new Ingest(clock, router, registry);
    HealthChecks health = new HealthChecks();
    // agent certificates hbs revoked (auth.revocationUrl) are refused before anything else looks at the call
    io.peregrine.common.auth.Revocations revocations = io.peregrine.common.auth.Revocations.of("transfer",
        config.auth(), tls, clock, registry);
    this.grpc = new GrpcServerHost("transfer-grpc", config.grpcListen(), config.grpcThreads(),
        List.of(new TransferServiceImpl(ingest)), tls)
        .intercept(revocations == null ? null : revocations.interceptor(),
            gate == null ? null : new GrpcTokenInterceptor(gate, config.auth().certPush()),
            config.auth().ownEndpointsOnly() ? new OwnEndpointInterceptor("transfer",
                java.util.Set.copyOf(config.auth().pushForOthers()), nodePods(config.auth()), registry) : null);
    health.add("grpc", grpc::serving);
    for (Destination d : destinations.all()) {
      // DOWN only while this transfer refuses pushes for it (its queues are full): a load balancer then prefers
      // other transfers; a destination that is away but absorbed by the queue is reported, not failed
      health.add("destination." + d.name(), () -> !destinations.full(d));
      health.detail("destination." + d.name(), () -> destinations.describe(d));
      Gauge.builder("transfer_destination_stuck_seconds", d, destinations::stuckSeconds).tag("cluster", d.name())
          .description("how long the oldest failing call of this destination has been failing (0 = fine)")
          .register(registry);
    }
    this.http = new NettyHttpServer("transfer-http", config.httpListen(), config.httpThreads(),
        Limits.MAX_MESSAGE_BYTES, MAX_BUFFERED_BODIES, registry, health)
        .route("/api/push", revocations == null ? new HttpPushHandler(ingest)
            : refusingRevoked(new HttpPushHandler(ingest), revocations.check()))
        .tls(tls.serverTls() ? TlsContexts.nettyHttpServer(tls) : null)
        .guard(gate, config.auth().metricsOpen());
    this.rpc = config.jsonRpcListen().isEmpty() ? null : new JsonRpcServer(config.jsonRpcListen(),
        new TransferRpc(ingest), config.jsonRpcMaxConnections(), config.jsonRpcIdleTimeout(),
        Limits.MAX_MESSAGE_BYTES).guard(gate);
    // destinations start first and stop last: on shutdown the receivers stop taking samples, then every
    // destination flushes, all in parallel within one deadline
    lifecycle.add(tls);
    lifecycle.add(destinations);
    if (revocations != null) {
      lifecycle.add(revocations.fetcher()); // the list is read before the port takes calls
    }
    lifecycle.add(grpc);
    if (rpc != null) {
      lifecycle.add(rpc);
    }
    lifecycle.add(http);
  }

  /** /api/push refuses a revoked agent certificate with 403 and the reason, as the gRPC port refuses it. */
  private static io.peregrine.common.http.HttpRoute refusingRevoked(io.peregrine.common.http.HttpRoute push,
      io.peregrine.common.auth.RevokedCertificateCheck check) {
    return call -> {
      String refusal = check.refusal(call.tlsSession());
      return refusal == null ? push.handle(call) : io.peregrine.common.http.HttpAnswer.json(403,
          new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("error", refusal).toString());
    };
  }

  /** The Kubernetes API's pods per node (auth.nodePods), or null: node certificates then push for their node only. */
  private io.peregrine.common.auth.NodePods nodePods(io.peregrine.common.auth.AuthConfig auth) {
    return auth.nodePods().enabled()
        ? new io.peregrine.common.auth.NodePods("transfer", auth.nodePods(), System::nanoTime, registry) : null;
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

  /** The JSON-RPC port, or -1 when it is off. */
  public int jsonRpcPort() {
    return rpc == null ? -1 : rpc.port();
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
