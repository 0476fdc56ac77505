package io.peregrine.hbs.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.config.HostPort;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.server.HealthReport;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.hbs.auth.AuditLog;
import io.peregrine.hbs.auth.LoginThrottle;
import io.peregrine.hbs.console.ConsoleConfig;
import io.peregrine.hbs.auth.TokenStore;
import io.peregrine.hbs.store.ConflictException;
import io.peregrine.hbs.store.Database;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * hbs's HTTP port on Javalin (Jetty): the admin API under {@code /api/v1/}, {@code /metrics} and {@code /health}.
 * Here, once for every route: bodies over {@link Bodies#MAX_BODY_BYTES} answer 413, a body that does not say it is
 * JSON 415, bad input 400 naming the fields, an unknown id or path 404, a method a path does not take 405, a
 * conflict with what is stored 409, a database that does not answer 503; every answer is JSON. A successful write
 * asks for a rebuild of the strategy set, so judges see it at their next pull. Every {@code /api} route but
 * login and the OpenAPI document needs a bearer token ({@link Access}: 401, 403), and every successful write is
 * recorded in the audit log ({@link AuditRecorder}). The web console is served here too: its files at
 * {@code /console/}, its sign-in at {@code /console/api/login|session|logout} ({@link ConsoleApi}) and its proxy to
 * graph, sender and judge ({@link ConsoleProxy}), all behind the same {@link Access} (session cookie plus CSRF).
 */
public final class AdminServer implements Component {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  /** Admin traffic is a person or a script; Jetty needs a few threads of its own besides the handlers. */
  static final int MAX_THREADS = 16;
  /** Requests waiting for a thread beyond this are refused rather than queued without bound. */
  static final int QUEUE_CAPACITY = 1024;

  private final String listen;
  private final Javalin app;
  private final Routes routes;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ConsoleProxy proxy;

  public AdminServer(String listen, Database db, PrometheusMeterRegistry registry, HealthChecks health,
      Runnable onChange, TokenStore tokens, AuditLog audit) {
    this(listen, db, registry, health, onChange, tokens, audit, TlsMaterial.plaintext("hbs-http"),
        ConsoleConfig.defaults(), null, new io.peregrine.hbs.ca.CertificateStore(db), null);
  }

  /**
   * @param tls HTTPS (and client certificates) when its {@code server} is on
   * @param console the web console at {@code /console/} (static files from the jar) and its API and proxy
   * @param enrolment agent certificates ({@code hbs.ca}); null = the agent routes answer 404
   * @param revocations kept in step when a node is revoked; null with {@code enrolment}
   */
  public AdminServer(String listen, Database db, PrometheusMeterRegistry registry, HealthChecks health,
      Runnable onChange, TokenStore tokens, AuditLog audit, TlsMaterial tls, ConsoleConfig console,
      io.peregrine.hbs.ca.Enrolment enrolment, io.peregrine.hbs.ca.CertificateStore certificates,
      io.peregrine.hbs.ca.RevocationSync revocations) {
    this.listen = listen;
    Bodies bodies = new Bodies();
    QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 2, 60_000,
        new BlockingArrayQueue<>(QUEUE_CAPACITY, QUEUE_CAPACITY, QUEUE_CAPACITY));
    pool.setName("hbs-http");
    app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.jetty.threadPool = pool;
      cfg.http.prefer405over404 = true;
      cfg.http.maxRequestSize = Bodies.MAX_BODY_BYTES;
      cfg.jsonMapper(new JavalinJackson(bodies.json(), false));
      cfg.router.ignoreTrailingSlashes = true;
      AdminTls.configure(cfg.jetty, tls, listen);
      if (console.enabled()) {
        cfg.staticFiles.add(sf -> {
          sf.hostedPath = "/console";
          sf.directory = "/console";
          sf.location = Location.CLASSPATH;
          sf.headers = Map.of("Cache-Control", "no-cache");
        });
        cfg.staticFiles.enableWebjars(); // uPlot at /webjars/uplot/1.6.30/dist/
      }
    });
    routes = new Routes(app);
    proxy = new ConsoleProxy(console);
    routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
        .result(registry.scrape()));
    routes.get("/health", ctx -> health(ctx, health));
    byte[] openapi = openApiDocument();
    routes.get("/api/v1/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openapi));
    Access access = new Access(tokens);
    AuditRecorder recorder = new AuditRecorder(audit);
    if (revocations != null) { // a revoked agent certificate is refused before anything else looks at the request
      app.before(new RevokedCertificateFilter(new io.peregrine.common.auth.RevokedCertificateCheck("hbs",
          revocations.serials(), registry))::check);
    }
    app.before("/api/*", access::check);
    LoginThrottle throttle = new LoginThrottle(tokens.clock(), registry);
    if (console.enabled()) {
      app.before("/console/api/*", ctx -> {
        if (!(ctx.method().name().equals("POST") && ctx.path().equals("/console/api/login"))) {
          access.authenticate(ctx);
        }
      });
      app.before("/console", ctx -> { // the pages' relative links need the trailing slash
        if (ctx.path().equals("/console")) {
          ctx.redirect("/console/");
        }
      });
      new ConsoleApi(db, bodies, tokens, throttle, console, tls.serverTls()).routes(app);
      proxy.routes(app);
      app.after("/console/api/*", ctx -> { // console logins and writes through the proxy are audited too
        if (!ctx.method().name().equals("GET") && ctx.statusCode() < 300) {
          recorder.record(ctx);
        }
      });
    }
    app.before("/api/*", AdminServer::requireJson);
    app.after("/api/*", ctx -> {
      registry.counter("hbs_admin_requests_total", "method", ctx.method().name(),
          "status", Integer.toString(ctx.statusCode())).increment();
      if (!ctx.method().name().equals("GET") && ctx.statusCode() < 300) {
        recorder.record(ctx);
        if (changesConfig(ctx.path())) {
          onChange.run();
        }
      }
    });
    app.exception(ApiException.class, (e, ctx) -> error(ctx, bodies, e));
    app.exception(ConflictException.class, (e, ctx) -> error(ctx, bodies,
        ApiException.conflict("conflicts with what is stored: " + e.getMessage())));
    app.exception(JdbiException.class, (e, ctx) -> {
      log.warn("hbs admin: {} {} failed in the database", ctx.method(), ctx.path(), e);
      error(ctx, bodies, new ApiException(503, "database error: " + e.getMessage()));
    });
    app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, bodies, new ApiException(e.getStatus(),
        e.getStatus() == 405 ? ctx.method() + " is not supported on " + ctx.path()
            : e.getStatus() == 404 ? "no route " + ctx.method() + " " + ctx.path() : e.getMessage())));
    app.exception(Exception.class, (e, ctx) -> {
      log.warn("hbs admin: {} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, bodies, new ApiException(500, String.valueOf(e.getMessage())));
    });
    for (Resource r : List.of(new HostsApi(db, bodies), new GroupsApi(db, bodies), new PluginsApi(db, bodies),
        new TemplatesApi(db, bodies), new StrategiesApi(db, bodies), new ExpressionsApi(db, bodies),
        new ActionsApi(db, bodies), new TeamsApi(db, bodies), new UsersApi(db, bodies, tokens),
        new NodataApi(db, bodies), new ConfigPiecesApi(db, bodies), new AuthApi(db, bodies, tokens, throttle),
        new AuditApi(db, bodies, audit), new SilencesApi(db, bodies, audit.clock()),
        new IncidentEventsApi(db, bodies), new EscalationApi(db, bodies), new SchedulesApi(db, bodies, audit.clock()),
        new AgentsApi(db, bodies, enrolment, certificates, revocations, tokens, tokens.clock()),
        new HostOverviewApi(db, bodies, tokens.clock()), new OpenIncidentsApi(db, bodies),
        new DashboardsApi(db, bodies, tokens.clock()))) {
      r.routes(routes);
    }
  }

  @Override
  public String name() {
    return "hbs-http";
  }

  @Override
  public void start() {
    HostPort hp = HostPort.parse("hbs.httpListen", listen);
    app.start(hp.host(), hp.port());
    log.info("hbs-http: admin API, /metrics and /health on {}:{}", hp.host(), port());
  }

  /** See {@link ConsoleProxy#wire}: the upstreams of the console's proxy, once they are listening. */
  public void wireConsole(String graphUrl, String senderUrl, String judgeUrl) {
    proxy.wire(graphUrl, senderUrl, judgeUrl);
  }

  public int port() {
    return app.port();
  }

  /** Every route the server answers, as {@code METHOD path} with Javalin's {@code {param}} syntax, sorted. */
  public List<String> routes() {
    return routes.all();
  }

  /** The OpenAPI document kept beside the code ({@code src/main/resources/openapi.yaml}). */
  static byte[] openApiDocument() {
    try (var in = AdminServer.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Signing in and tokens change no monitoring configuration, so they need no rebuild of the strategy set; nor do
   * silences, which senders pull on their own ({@code Hbs.GetSilences}), schedules, which hbs reads at each
   * {@code Hbs.GetReceivers}, agent certificates, nor the console's dashboards.
   */
  private static boolean changesConfig(String path) {
    return !(path.startsWith("/api/v1/auth") || path.startsWith("/api/v1/tokens")
        || path.startsWith("/api/v1/silences") || path.startsWith("/api/v1/schedules")
        || path.startsWith("/api/v1/agents") || path.startsWith("/api/v1/dashboards"));
  }

  /** Bodies must be JSON; curl's default type for {@code -d} is taken too, so that {@code curl -d '{...}'} works. */
  private static void requireJson(Context ctx) {
    String method = ctx.method().name();
    if (!(method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) {
      return;
    }
    String type = ctx.header("Content-Type");
    if (type == null) {
      return;
    }
    String mime = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (ctx.path().equals("/api/v1/import") && ConfigPiecesApi.YAML_TYPES.contains(mime)) {
      return; // a piece of configuration comes as YAML (or JSON, which is YAML too)
    }
    if (!(mime.equals("application/json") || mime.endsWith("+json") || mime.equals("application/x-www-form-urlencoded"))) {
      throw new ApiException(415, "body must be JSON (Content-Type: application/json), got '" + type + "'");
    }
  }

  private static void health(Context ctx, HealthChecks health) {
    HealthReport report = HealthReport.of("hbs-http", health);
    ctx.status(report.status()).contentType("application/json").result(report.json());
  }

  private static void error(Context ctx, Bodies bodies, ApiException e) {
    ObjectNode body = bodies.json().createObjectNode().put("error", e.getMessage());
    if (!e.errors().isEmpty()) {
      body.put("field", e.errors().get(0).field());
      var list = body.putArray("errors");
      e.errors().forEach(f -> list.addObject().put("field", f.field()).put("error", f.error()));
    }
    ctx.status(e.status()).json(body);
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    app.stop();
  }
}
