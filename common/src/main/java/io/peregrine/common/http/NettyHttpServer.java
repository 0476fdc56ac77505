package io.peregrine.common.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.peregrine.common.auth.Gatekeeper;
import io.peregrine.common.auth.Scope;
import io.peregrine.common.config.HostPort;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.server.HealthReport;
import io.peregrine.common.server.RoutePaths;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component's HTTP side on Netty (transfer's {@code /api/push}, the agent's {@code /v1/push}): {@code /metrics}
 * (Prometheus text), {@code /health} (JSON, 200 or 503) and the routes added before start, matched on the exact path (the query string ignored). HTTP/1.1 with keep-alive and
 * pipelining, {@code Expect: 100-continue}, gzip request bodies, TCP_NODELAY. A route runs on the connection's I/O
 * thread ({@code threads} of them), with the whole body in a per-connection buffer: no hand-off to another pool,
 * no copy of the body beyond the one out of the socket buffers.
 *
 * <p>Limits: a body (after gunzip) of at most {@code maxBody} bytes, else 413 and the connection closed once the
 * rest of the body (up to 4 MiB more, read and dropped, so the client reads the answer rather than a reset) is in; at most
 * {@code maxBuffered} bytes of bodies held across all connections at once, else 503 with {@code Retry-After} (an
 * overloaded server says so, and never holds more memory than that for bodies); request line 4 KiB, headers
 * 8 KiB (else 400). An exception in a route answers 500 with its message.
 */
public final class NettyHttpServer implements Component {
  private static final Logger log = LoggerFactory.getLogger(NettyHttpServer.class);

  private final String name;
  private final String listen;
  private final int threads;
  private final int maxBody;
  private final PrometheusMeterRegistry registry;
  private final HealthChecks health;
  private final Map<String, HttpRoute> routes = new LinkedHashMap<>();
  final AtomicLong buffered = new AtomicLong();
  final long maxBuffered;
  private final AtomicBoolean closed = new AtomicBoolean();
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private volatile Channel channel;
  private volatile SslContext ssl;
  private volatile Gatekeeper gate;
  private volatile boolean metricsOpen = true;

  public NettyHttpServer(String name, String listen, int threads, int maxBody, long maxBuffered,
      PrometheusMeterRegistry registry, HealthChecks health) {
    this.name = name;
    this.listen = listen;
    this.threads = threads;
    this.maxBody = maxBody;
    this.maxBuffered = maxBuffered;
    this.registry = registry;
    this.health = health;
    routes.put("/metrics", call -> new HttpAnswer(200,
        "text/plain; version=0.0.4; charset=utf-8", registry.scrape().getBytes(StandardCharsets.UTF_8), Map.of()));
    routes.put("/health", call -> health());
  }

  /**
   * Adds a route; call before {@link #start()}.
   *
   * @throws IllegalArgumentException for a path that does not start with '/' or is taken (/metrics, /health)
   */
  public NettyHttpServer route(String path, HttpRoute route) {
    if (channel != null) {
      throw new IllegalStateException(name + ": routes must be added before start");
    }
    RoutePaths.requireNew(name, path, routes::containsKey);
    routes.put(path, route);
    return this;
  }

  /**
   * Serves HTTPS with {@code ssl} (a context whose key and trust managers reload themselves, such as
   * {@code TlsContexts.nettyHttpServer}); null = plaintext. Call before {@link #start()}.
   */
  public NettyHttpServer tls(SslContext ssl) {
    this.ssl = ssl;
    return this;
  }

  /**
   * Wants a token on every route (scopes as the gatekeeper's rule says) and on {@code /metrics} unless
   * {@code metricsOpen}; {@code /health} always answers. Null = no checks. Call before {@link #start()}. A check
   * runs on the I/O thread: answers are cached, so only a token's first request (per cache period) waits for hbs.
   */
  public NettyHttpServer guard(Gatekeeper gatekeeper, boolean metricsOpen) {
    if (channel != null) {
      throw new IllegalStateException(name + ": the guard must be set before start");
    }
    this.gate = gatekeeper;
    this.metricsOpen = metricsOpen;
    return this;
  }

  /** Puts the token check in front of the routes that need one; runs once, at start. */
  private void applyGuard() {
    Gatekeeper g = gate;
    if (g == null) {
      return;
    }
    routes.replaceAll((path, route) -> {
      if (path.equals("/health") || (path.equals("/metrics") && metricsOpen)) {
        return route;
      }
      return call -> {
        String auth = call.header("Authorization");
        Gatekeeper.Refusal refusal = path.equals("/metrics") ? g.decide(Scope.READ, auth)
            : g.decide(call.method(), path, auth);
        if (refusal == null) {
          return route.handle(call);
        }
        HttpAnswer answer = HttpAnswer.json(refusal.httpStatus(), error(refusal.message()));
        return refusal.httpStatus() == 401 ? answer.withHeader("WWW-Authenticate", "Bearer") : answer;
      };
    });
  }

  HttpRoute routeFor(String path) {
    return routes.get(path);
  }

  int maxBody() {
    return maxBody;
  }

  String serverName() {
    return name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start() throws Exception {
    applyGuard();
    HostPort hp = HostPort.parse(name + ".listen", listen);
    boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name + "-accept", true),
        NioIoHandler.newFactory());
    workers = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
        NioIoHandler.newFactory());
    try {
      channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 128)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              if (ssl != null) {
                ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
              }
              ch.pipeline()
                  .addLast(new HttpServerCodec(4096, 8192, 64 << 10))
                  .addLast(new HttpServerExpectContinueHandler())
                  .addLast(new HttpContentDecompressor(false, 0))
                  .addLast(new HttpConnection(NettyHttpServer.this));
            }
          })
          .bind(new InetSocketAddress(hp.host(), hp.port())).sync().channel();
    } catch (Exception e) {
      shutdownGroups();
      throw e;
    }
    log.info("{}: {} listening on {}", name, ssl != null ? "HTTPS" : "HTTP", address());
  }

  /** The bound address (the real port when configured with port 0). */
  public HostPort address() {
    InetSocketAddress a = (InetSocketAddress) channel.localAddress();
    return new HostPort(a.getHostString(), a.getPort());
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  private HttpAnswer health() {
    HealthReport report = HealthReport.of(name, health);
    return HttpAnswer.json(report.status(), report.json());
  }

  static String error(String message) {
    // jackson-core's escaping, not databind: the agent runs this server and would keep databind loaded for one line
    return "{\"error\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(String.valueOf(message)))
        + "\"}";
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    if (channel != null) {
      channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    shutdownGroups();
  }

  private void shutdownGroups() {
    // no quiet period: the listening socket is closed already, and requests in progress finish within the timeout
    if (boss != null) {
      boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(6, TimeUnit.SECONDS);
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(6, TimeUnit.SECONDS);
    }
  }
}
