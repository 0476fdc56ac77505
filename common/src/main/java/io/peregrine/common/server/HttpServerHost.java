package io.peregrine.common.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.auth.Gatekeeper;
import io.peregrine.common.auth.Scope;
import io.peregrine.common.config.HostPort;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component's HTTP side on the JDK's built-in server: {@code /metrics} (Prometheus text), {@code /health}
 * (JSON, 200 or 503) and whatever routes the component adds before start. Handlers run on a bounded, named pool;
 * an exception in a handler answers 500 with its message instead of killing the connection silently. With a
 * {@link TlsMaterial} whose {@code server} is on it is an HTTPS server (client certificates as
 * {@code httpClientAuth}, else {@code clientAuth}, says; rotated certificates used from the next handshake).
 */
public final class HttpServerHost implements Component {
  private static final Logger log = LoggerFactory.getLogger(HttpServerHost.class);

  static {
    // the JDK server leaves Nagle on by default: with delayed ACKs every small answer then waits ~40 ms,
    // which caps a pushing client at ~25 requests/s per connection. Read once, when the server classes load.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Enough for a few hundred concurrent pushers; the queue absorbs bursts without unbounded memory. */
  private static final int QUEUE_CAPACITY = 1024;

  private final String name;
  private final String listen;
  private final int threads;
  private final PrometheusMeterRegistry registry;
  private final HealthChecks health;
  private final TlsMaterial tls;
  private final Map<String, HttpHandler> routes = new LinkedHashMap<>();
  private volatile Gatekeeper gate;
  private volatile boolean metricsOpen = true;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile HttpServer server;
  private volatile ThreadPoolExecutor executor;

  /** A plaintext server. */
  public HttpServerHost(String name, String listen, int threads, PrometheusMeterRegistry registry,
      HealthChecks health) {
    this(name, listen, threads, registry, health, TlsMaterial.plaintext(name));
  }

  public HttpServerHost(String name, String listen, int threads, PrometheusMeterRegistry registry,
      HealthChecks health, TlsMaterial tls) {
    this.tls = tls;
    this.name = name;
    this.listen = listen;
    this.threads = threads;
    this.registry = registry;
    this.health = health;
  }

  /**
   * Adds a route (a path prefix, as the JDK server matches); call before {@link #start()}.
   *
   * @throws IllegalArgumentException for a path that does not start with '/', is taken, or is /metrics or /health
   *     (the JDK server would keep the first of two equal paths and silently ignore the other)
   */
  public HttpServerHost route(String path, HttpHandler handler) {
    if (server != null) {
      throw new IllegalStateException(name + ": routes must be added before start");
    }
    RoutePaths.requireNew(name, path, p -> p.equals("/metrics") || p.equals("/health") || routes.containsKey(p));
    routes.put(path, handler);
    return this;
  }

  /**
   * Wants a token on every route (scopes as the gatekeeper's rule says) and on {@code /metrics} unless
   * {@code metricsOpen}; {@code /health} always answers. Null = no checks. Call before {@link #start()}.
   */
  public HttpServerHost guard(Gatekeeper gatekeeper, boolean metricsOpen) {
    if (server != null) {
      throw new IllegalStateException(name + ": the guard must be set before start");
    }
    this.gate = gatekeeper;
    this.metricsOpen = metricsOpen;
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start() throws IOException {
    HostPort hp = HostPort.parse(name + ".listen", listen);
    HttpServer s = create(new InetSocketAddress(hp.host(), hp.port()));
    executor = NamedExecutors.fixed(name, threads, QUEUE_CAPACITY, new ThreadPoolExecutor.AbortPolicy());
    try {
      s.setExecutor(executor);
      HttpHandler metrics = ex -> HttpExchanges.send(ex, 200,
          "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
      s.createContext("/metrics", guarded(metricsOpen ? metrics : checked(metrics, Scope.READ)));
      s.createContext("/health", guarded(this::health));
      // the port is bound already: whatever fails from here on must not leave it bound or the pool running
      routes.forEach((path, handler) -> s.createContext(path, guarded(checked(handler, null))));
      s.start();
    } catch (RuntimeException e) {
      s.stop(0);
      NamedExecutors.shutdown(executor, name, Duration.ZERO);
      throw e;
    }
    server = s;
    log.info("{}: {} listening on {}", name, tls.serverTls()
        ? "HTTPS (clientAuth=" + tls.config().clientAuthForHttp().configName() + ")" : "HTTP", address());
  }

  private HttpServer create(InetSocketAddress address) throws IOException {
    if (!tls.serverTls()) {
      return HttpServer.create(address, 128);
    }
    SSLContext context = TlsContexts.jdkServer(tls);
    HttpsServer https = HttpsServer.create(address, 128);
    https.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = context.getDefaultSSLParameters();
        TlsContexts.serverParameters(tls, p);
        params.setSSLParameters(p);
      }
    });
    return https;
  }

  /** Whether this listener speaks HTTPS. */
  public boolean tls() {
    return tls.serverTls();
  }

  /** The bound address (the real port when configured with port 0). */
  public HostPort address() {
    InetSocketAddress a = server.getAddress();
    return new HostPort(a.getHostString(), a.getPort());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void health(HttpExchange ex) throws IOException {
    HealthReport report = HealthReport.of(name, health);
    HttpExchanges.json(ex, report.status(), report.json());
  }

  /** The handler behind the token check ({@code fixed} scope, or the gatekeeper's rule when null). */
  private HttpHandler checked(HttpHandler handler, Scope fixed) {
    Gatekeeper g = gate;
    if (g == null) {
      return handler;
    }
    return ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      Gatekeeper.Refusal refusal = fixed != null ? g.decide(fixed, auth)
          : g.decide(ex.getRequestMethod().toUpperCase(java.util.Locale.ROOT), ex.getRequestURI().getPath(), auth);
      if (refusal == null) {
        handler.handle(ex);
        return;
      }
      if (refusal.httpStatus() == 401) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      }
      HttpExchanges.json(ex, refusal.httpStatus(),
          JSON.createObjectNode().put("error", refusal.message()).toString());
    };
  }

  private HttpHandler guarded(HttpHandler handler) {
    return ex -> {
      try {
        handler.handle(ex);
      } catch (HttpExchanges.BodyTooLargeException e) {
        HttpExchanges.json(ex, 413, JSON.createObjectNode().put("error", e.getMessage()).toString());
      } catch (Exception e) {
        log.warn("{}: {} {} failed", name, ex.getRequestMethod(), ex.getRequestURI(), e);
        try {
          HttpExchanges.json(ex, 500, JSON.createObjectNode().put("error", String.valueOf(e.getMessage())).toString());
        } catch (IOException | RuntimeException ignored) {
          // the response was already started; the connection is closed below
        }
      } finally {
        ex.close();
      }
    };
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || server == null) {
      return;
    }
    server.stop(0);
    NamedExecutors.shutdown(executor, name, Duration.ofSeconds(5));
  }
}
