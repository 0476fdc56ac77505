package io.peregrine.hbs;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.server.SelfMetrics;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.hbs.admin.AdminServer;
import io.peregrine.hbs.auth.AdminBootstrap;
import io.peregrine.hbs.auth.AuditLog;
import io.peregrine.hbs.auth.TokenStore;
import io.peregrine.hbs.grpc.HbsServiceImpl;
import io.peregrine.hbs.grpc.HeartbeatService;
import io.peregrine.hbs.grpc.HeartbeatWriter;
import io.peregrine.hbs.grpc.ReceiversService;
import io.peregrine.hbs.resolve.ConfigRefresher;
import io.peregrine.hbs.resolve.ResolvedSet;
import io.peregrine.hbs.seed.DemoSeed;
import io.peregrine.hbs.store.Database;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * hbs: the SQL config store (Open-Falcon's portal and uic tables), agent heartbeats, the resolved strategy set
 * for judges, receivers for senders, and the admin API that writes the store.
 *
 * <p>Start order: database (pool and migrations), demo seed, the first admin (first start only), the import of
 * {@code hbs.importOnStart} when set, the strategy set, then gRPC and HTTP, so nothing is
 * served before there is a set to serve. Close runs the other way.
 */
public final class HbsServer implements Component {
  private final PrometheusMeterRegistry registry = SelfMetrics.newRegistry("hbs");
  private final Lifecycle lifecycle = new Lifecycle("hbs");
  private final Database db;
  private final ConfigRefresher refresher;
  private final HeartbeatWriter heartbeatWriter;
  private final GrpcServerHost grpc;
  private final AdminServer http;
  private final io.peregrine.hbs.incident.IncidentRetention retention;
  private final io.peregrine.hbs.ca.RevocationSync revocations;

  public HbsServer(HbsConfig config, Clock clock) {
    this.db = new Database(config, registry);
    TlsMaterial tls = new TlsMaterial("hbs", config.tls(), registry);
    this.refresher = new ConfigRefresher(db, clock, config.configRefresh(), config.configFullRefresh(),
        config.trustedIps(), registry);
    this.heartbeatWriter = new HeartbeatWriter(db, registry);
    HeartbeatService heartbeats = new HeartbeatService(db, refresher, heartbeatWriter, clock, config.defaultGroup(),
        config.trustedIps(), registry);
    TokenStore tokens = new TokenStore(db, clock);
    AuditLog audit = new AuditLog(db, clock);
    // agent identity: the CA (hbs.ca), and the revoked serials hbs's own gRPC port refuses
    io.peregrine.hbs.ca.CertificateStore certificates = new io.peregrine.hbs.ca.CertificateStore(db);
    this.revocations = new io.peregrine.hbs.ca.RevocationSync(certificates,
        new io.peregrine.common.tls.RevokedSerials(), clock);
    io.peregrine.hbs.ca.Enrolment enrolment = null;
    io.peregrine.hbs.ca.ReloadingCa ca = null;
    if (config.ca().enabled()) {
      ca = new io.peregrine.hbs.ca.ReloadingCa(config.ca(), clock, registry); // re-read every ca.reloadInterval
      enrolment = new io.peregrine.hbs.ca.Enrolment(db, ca,
          new io.peregrine.hbs.ca.AgentCertificateIssuer(config.ca().certLifetime(), clock), certificates, audit,
          clock, registry);
    }
    this.grpc = new GrpcServerHost("hbs-grpc", config.grpcListen(), config.grpcThreads(),
        List.of(new HbsServiceImpl(heartbeats, refresher, new ReceiversService(db, clock),
            new io.peregrine.hbs.grpc.LivenessService(db, heartbeatWriter, clock),
            new io.peregrine.hbs.grpc.SilencesService(db, clock),
            new io.peregrine.hbs.grpc.IncidentEventsService(db, registry))), tls)
        .intercept(new io.peregrine.common.auth.RevokedCertificateInterceptor("hbs", revocations.serials(), registry),
            io.peregrine.hbs.auth.GrpcAccess.interceptor(config.auth(), tokens, registry));
    this.retention = new io.peregrine.hbs.incident.IncidentRetention(db, clock, config.incidentRetention(), registry);
    HealthChecks health = new HealthChecks().add("database", db::reachable).add("grpc", grpc::serving);
    this.http = new AdminServer(config.httpListen(), db, registry, health, refresher::requestRefresh, tokens,
        audit, tls, config.console(), enrolment, certificates, revocations);
    lifecycle.add(tls);
    lifecycle.add(db);
    if (config.seedDemo()) {
      lifecycle.add(new DemoSeed(db));
    }
    lifecycle.add(new AdminBootstrap(db, tokens, config.adminPassword(), config.adminTokenFile()));
    if (!config.importOnStart().isEmpty()) {
      lifecycle.add(new io.peregrine.hbs.admin.ImportOnStart(db, config.importOnStart()));
    }
    lifecycle.add(refresher);
    lifecycle.add(heartbeatWriter); // closed before the database: its last batch is written
    lifecycle.add(retention);
    lifecycle.add(revocations);
    if (ca != null) {
      lifecycle.add(ca);
    }
    lifecycle.add(grpc);
    lifecycle.add(http);
  }

  @Override
  public String name() {
    return "hbs";
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

  /**
   * Points the console's proxy at graph, sender and judge once they listen (all-in-one); an empty URL keeps what
   * {@code hbs.console} says.
   */
  public void wireConsole(String graphUrl, String senderUrl, String judgeUrl) {
    http.wireConsole(graphUrl, senderUrl, judgeUrl);
  }

  /** Every route of the HTTP port, as {@code METHOD path}. */
  public List<String> httpRoutes() {
    return http.routes();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Rebuilds the strategy set now and returns it; the periodic rebuild makes this unnecessary outside tests. */
  public ResolvedSet refreshNow() throws ExecutionException, InterruptedException {
    return refresher.refreshNow();
  }

  /**
   * Runs the periodic change check now (the one every {@code configRefresh} runs) and waits; true when it rebuilt
   * the set. For tests on a manual clock.
   */
  public boolean checkConfigNow() throws ExecutionException, InterruptedException {
    return refresher.checkNow();
  }

  /** Writes the heartbeats waiting for their batch now; tests and benches that read host rows call it. */
  public int flushHeartbeats() {
    return heartbeatWriter.flush();
  }

  /** Deletes incident history past {@code hbs.incidentRetention} now (the sweep runs every 10 minutes). */
  public int sweepIncidentHistory() {
    return retention.sweep();
  }

  /** The database behind hbs, for tools and tests that need SQL the admin API does not offer. */
  public Database database() {
    return db;
  }

  @Override
  public void close() {
    lifecycle.close(); // idempotent: the lifecycle closes its parts once
  }
}
