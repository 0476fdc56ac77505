package io.peregrine.graph;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.common.auth.Gatekeeper;
import io.peregrine.common.auth.GrpcTokenInterceptor;
import io.peregrine.common.auth.Scope;
import io.peregrine.common.auth.TokenChecks;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.server.HttpServerHost;
import io.peregrine.common.server.SelfMetrics;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.graph.api.GraphHttpApi;
import io.peregrine.graph.api.GraphServiceImpl;
import io.peregrine.graph.api.QueryMetrics;
import io.peregrine.graph.store.Drops;
import io.peregrine.graph.store.GraphStore;
import java.time.Clock;
import java.util.List;

/**
 * Graph: the embedded round-robin store behind the Graph gRPC service (Push from transfer, Query, Last, ListSeries)
 * and a JSON query API with {@code /metrics} and {@code /health}.
 *
 * <p>Start order is the dependency order: the store first (it must take samples before anyone can push), then gRPC,
 * then HTTP. Close runs in reverse, so intake stops before the store drains its queue and closes its files.
 */
public final class GraphServer implements Component {
  private final GraphConfig config;
  private final Clock clock;
  private final PrometheusMeterRegistry registry = SelfMetrics.newRegistry("graph");
  private final Drops drops = new Drops(registry);
  private final GraphStore store;
  private final Lifecycle lifecycle = new Lifecycle("graph");
  private volatile GrpcServerHost grpc;
  private volatile HttpServerHost http;

  public GraphServer(GraphConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.store = new GraphStore(config, registry, drops, clock);
  }

  @Override
  public String name() {
    return "graph";
  }

  @Override
  public void start() throws Exception {
    lifecycle.start(store);
    TlsMaterial tls = lifecycle.start(new TlsMaterial("graph", config.tls(), registry));
    QueryMetrics queries = new QueryMetrics(registry);
    GraphServiceImpl service = new GraphServiceImpl(store, clock, drops, queries, registry);
    GrpcServerHost g = new GrpcServerHost("graph-grpc", config.grpcListen(), config.grpcThreads(), List.of(service),
        tls);
    // pushes (transfer) need push or a verified client certificate, deletes admin, every query read
    Gatekeeper gate = TokenChecks.atHbs("graph", config.auth(), tls, GraphServer::scopeFor, registry);
    g.intercept(gate == null ? null : new GrpcTokenInterceptor(gate, config.auth().certPush()));
    grpc = lifecycle.start(g);
    HealthChecks health = new HealthChecks().add("store", store::healthy).add("grpc", g::serving);
    HttpServerHost h = new HttpServerHost("graph-http", config.httpListen(), config.httpThreads(), registry, health,
        tls).guard(gate, config.auth().metricsOpen());
    new GraphHttpApi(store, clock, queries).addTo(h);
    http = lifecycle.start(h);
  }

  /** The scope each gRPC method and HTTP route needs when {@code graph.auth.required} is on. */
  static Scope scopeFor(String method, String path) {
    if (path.equals("peregrine.v1.Graph/Push")) {
      return Scope.PUSH;
    }
    if (path.equals("peregrine.v1.Graph/DeleteSeries") || method.equals("DELETE")) {
      return Scope.ADMIN;
    }
    return Scope.READ;
  }

  public int grpcPort() {
    return grpc.port();
  }

  public int httpPort() {
    return http.port();
  }

  /** The store, for in-JVM readers (all-in-one, tests): query, last and list without a network hop. */
  public GraphStore store() {
    return store;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Counts of dropped samples by reason, as on /metrics. */
  public Drops drops() {
    return drops;
  }

  @Override
  public void close() {
    lifecycle.close(); // idempotent: the lifecycle closes its parts once
  }
}
