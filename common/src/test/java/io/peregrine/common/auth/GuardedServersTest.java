package io.peregrine.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.http.HttpAnswer;
import io.peregrine.common.http.NettyHttpServer;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.server.HttpExchanges;
import io.peregrine.common.server.HttpServerHost;
import io.peregrine.common.server.SelfMetrics;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The token check on the three kinds of listener, with tokens checked over HTTP at a stand-in for hbs's
 * {@code /api/v1/auth/me} on loopback (hbs's own test checks the same against a real hbs).
 */
class GuardedServersTest {
  private final PrometheusMeterRegistry registry = SelfMetrics.newRegistry("demo");
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicInteger hbsCalls = new AtomicInteger();
  private HttpServer hbs;
  private HttpServerHost jdk;
  private NettyHttpServer netty;
  private GrpcServerHost grpc;
  private ManagedChannel channel;

  @BeforeEach
  void startHbs() throws Exception {
    hbs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    hbs.createContext("/api/v1/auth/me", ex -> {
      hbsCalls.incrementAndGet();
      String token = Bearer.token(ex.getRequestHeaders().getFirst("Authorization"));
      Caller c = token == null ? null : GatekeeperTest.TOKENS.get(token);
      if (c == null) {
        HttpExchanges.json(ex, 401, "{\"error\":\"no\"}");
      } else {
        HttpExchanges.json(ex, 200, "{\"user\":\"" + c.user() + "\",\"scopes\":"
            + c.scopes().stream().map(s -> "\"" + s.wire() + "\"").toList() + "}");
      }
      ex.close();
    });
    hbs.start();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    for (AutoCloseable c : new AutoCloseable[] {jdk, netty, grpc}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort
      }
    }
    hbs.stop(0);
  }

  private Gatekeeper gate(AccessRule rule) {
    AuthConfig auth = AuthConfig.required("http://127.0.0.1:" + hbs.getAddress().getPort());
    return TokenChecks.atHbs("demo", auth, TlsMaterial.plaintext("demo"), rule, registry);
  }

  private HttpResponse<String> get(int port, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void jdkServerRoutesWantTheirScopeAndHealthStaysOpen() throws Exception {
    jdk = new HttpServerHost("demo-http", "127.0.0.1:0", 2, registry, new HealthChecks())
        .route("/api/v1/query", ex -> HttpExchanges.json(ex, 200, "{\"ok\":true}"))
        .route("/api/v1/admin", ex -> HttpExchanges.json(ex, 200, "{\"ok\":true}"))
        .guard(gate((m, p) -> p.startsWith("/api/v1/admin") ? Scope.ADMIN : Scope.READ), false);
    jdk.start();
    int port = jdk.port();
    HttpResponse<String> none = get(port, "/api/v1/query", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(none.body()).contains("scope 'read'");
    assertThat(get(port, "/api/v1/query", "pgr_bad").statusCode()).isEqualTo(401);
    assertThat(get(port, "/api/v1/query", "pgr_pusher").statusCode()).isEqualTo(403);
    assertThat(get(port, "/api/v1/query", "pgr_reader").statusCode()).isEqualTo(200);
    assertThat(get(port, "/api/v1/admin", "pgr_reader").statusCode()).isEqualTo(403);
    assertThat(get(port, "/api/v1/admin", "pgr_admin").statusCode()).isEqualTo(200);
    assertThat(get(port, "/health", null).statusCode()).isEqualTo(200);
    assertThat(get(port, "/metrics", null).statusCode()).isEqualTo(401); // metricsOpen=false
    assertThat(get(port, "/metrics", "pgr_reader").body()).contains("demo_auth_refused_total");
    int before = hbsCalls.get();
    for (int i = 0; i < 10; i++) {
      get(port, "/api/v1/query", "pgr_reader");
    }
    assertThat(hbsCalls.get()).isEqualTo(before); // answered from the cache
  }

  @Test
  void nettyServerRoutesWantTheirScopeAndMetricsMayStayOpen() throws Exception {
    netty = new NettyHttpServer("demo-netty", "127.0.0.1:0", 1, 1024, 4096, registry, new HealthChecks())
        .route("/api/push", call -> HttpAnswer.json(200, "{\"accepted\":0}".getBytes(StandardCharsets.UTF_8)))
        .guard(gate((m, p) -> Scope.PUSH), true);
    netty.start();
    int port = netty.port();
    assertThat(get(port, "/api/push", null).statusCode()).isEqualTo(401);
    assertThat(get(port, "/api/push", "pgr_reader").statusCode()).isEqualTo(403);
    assertThat(get(port, "/api/push", "pgr_pusher").statusCode()).isEqualTo(200);
    assertThat(get(port, "/metrics", null).statusCode()).isEqualTo(200);
    assertThat(get(port, "/health", null).statusCode()).isEqualTo(200);
  }

  /** Answers every push with the batch size as "accepted". */
  private static final class CountingTransfer extends TransferGrpc.TransferImplBase {
    @Override
    public void push(SampleBatch request, StreamObserver<PushResponse> response) {
      response.onNext(PushResponse.newBuilder().setAccepted(request.getSamplesCount()).build());
      response.onCompleted();
    }
  }

  private TransferGrpc.TransferBlockingStub stub(String token) {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    channel = GrpcChannels.forAddress("127.0.0.1:" + grpc.port(), TlsMaterial.plaintext("demo"),
        token == null ? "" : token);
    return TransferGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void grpcCallsWantTheirScopeWithAClearStatus() throws Exception {
    grpc = new GrpcServerHost("demo-grpc", "127.0.0.1:0", 2, List.of(new CountingTransfer()));
    grpc.intercept(new GrpcTokenInterceptor(gate((m, p) -> Scope.PUSH), true));
    grpc.start();
    SampleBatch batch = SampleBatch.getDefaultInstance();
    assertThatThrownBy(() -> stub(null).push(batch)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(e.getStatus().getDescription()).contains("scope 'push'");
    });
    assertThatThrownBy(() -> stub("pgr_nope").push(batch)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThatThrownBy(() -> stub("pgr_reader").push(batch)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThat(stub("pgr_pusher").push(batch).getAccepted()).isZero();
    // the health service stays open for probes
    assertThat(HealthGrpc.newBlockingStub(stub(null).getChannel()).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus().name()).isEqualTo("SERVING");
  }

  @Test
  void hbsAwayIsUnavailableNotUnauthorized() throws Exception {
    hbs.stop(0);
    jdk = new HttpServerHost("demo-http", "127.0.0.1:0", 2, registry, new HealthChecks())
        .route("/q", ex -> HttpExchanges.json(ex, 200, "{}"))
        .guard(gate((m, p) -> Scope.READ), true);
    jdk.start();
    HttpResponse<String> r = get(jdk.port(), "/q", "pgr_reader");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("cannot reach hbs");
    startHbs(); // for stop()
  }
}
