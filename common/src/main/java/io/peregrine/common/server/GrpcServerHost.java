package io.peregrine.common.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.peregrine.common.config.HostPort;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.model.Limits;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component's gRPC side: handlers on a fixed, bounded, named pool (the default cached pool grows without limit
 * under load; a full pool answers RESOURCE_EXHAUSTED and never runs a handler on the Netty event loop), the standard
 * gRPC health service, 16 MiB messages. Shutdown stops accepting calls, lets running calls finish within a grace
 * period, then cancels the rest. With a {@link TlsMaterial} whose {@code server} is on, it speaks TLS (mTLS when
 * {@code clientAuth} asks) and picks up rotated certificates on the next handshake.
 */
public final class GrpcServerHost implements Component {
  private static final Logger log = LoggerFactory.getLogger(GrpcServerHost.class);
  private static final Duration GRACE = Duration.ofSeconds(10);

  private final String name;
  private final String listen;
  private final int threads;
  private final List<BindableService> services;
  private final TlsMaterial tls;
  private final HealthStatusManager health = new HealthStatusManager();
  private volatile List<ServerInterceptor> inner = List.of();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Server server;
  private volatile ThreadPoolExecutor executor;

  /** A plaintext server. */
  public GrpcServerHost(String name, String listen, int threads, List<BindableService> services) {
    this(name, listen, threads, services, TlsMaterial.plaintext(name));
  }

  public GrpcServerHost(String name, String listen, int threads, List<BindableService> services, TlsMaterial tls) {
    this.name = name;
    this.listen = listen;
    this.threads = threads;
    this.services = List.copyOf(services);
    this.tls = tls;
  }

  /**
   * Interceptors run on the handler pool before every service's calls, the first given first (the token check,
   * then the endpoint check); call before {@link #start()}. Null entries are skipped. The health service is not
   * intercepted.
   */
  public GrpcServerHost intercept(ServerInterceptor... interceptors) {
    if (server != null) {
      throw new IllegalStateException(name + ": interceptors must be set before start");
    }
    List<ServerInterceptor> list = new java.util.ArrayList<>();
    for (ServerInterceptor i : interceptors) {
      if (i != null) {
        list.add(i);
      }
    }
    this.inner = List.copyOf(list);
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start() throws IOException {
    HostPort hp = HostPort.parse(name + ".listen", listen);
    // handlers never run on a Netty event loop (one blocked handler would stall every connection of that loop):
    // the server's own executor is direct, and the interceptor hands each call to this bounded pool, answering
    // RESOURCE_EXHAUSTED when its queue is full
    executor = NamedExecutors.fixed(name, threads, threads * 64, new ThreadPoolExecutor.AbortPolicy());
    OffloadingInterceptor offload = new OffloadingInterceptor(name, executor);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(hp.host(), hp.port()))
        .directExecutor()
        .maxInboundMessageSize(Limits.MAX_MESSAGE_BYTES)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(ServerInterceptors.intercept(health.getHealthService(), offload));
    // the last interceptor runs first: offload hands the call to the pool, then the inner one (which may wait) runs
    List<ServerInterceptor> chain = new java.util.ArrayList<>(inner);
    java.util.Collections.reverse(chain);
    chain.add(offload);
    services.forEach(s -> builder.addService(ServerInterceptors.intercept(s, chain)));
    if (tls.serverTls()) {
      builder.sslContext(TlsContexts.grpcServer(tls));
    }
    server = builder.build().start();
    health.setStatus("", ServingStatus.SERVING);
    log.info("{}: gRPC listening on {} ({})", name, address(), tls.serverTls()
        ? "TLS, clientAuth=" + tls.config().clientAuth().configName() : "plaintext");
  }

  public HostPort address() {
    InetSocketAddress a = (InetSocketAddress) server.getListenSockets().get(0);
    return new HostPort(a.getHostString(), a.getPort());
  }

  public int port() {
    return server.getPort();
  }

  public boolean serving() {
    return server != null && !server.isShutdown();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    Server s = server;
    if (s != null) {
      health.enterTerminalState();
      s.shutdown();
      try {
        if (!s.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("{}: calls still running after {} s; cancelling them", name, GRACE.toSeconds());
          s.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        s.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    // also when start failed after making the pool (the port was taken): the pool must not outlive the component
    if (executor != null) {
      NamedExecutors.shutdown(executor, name, Duration.ofSeconds(2));
    }
    if (s != null) {
      log.info("{}: gRPC stopped", name);
    }
  }
}
