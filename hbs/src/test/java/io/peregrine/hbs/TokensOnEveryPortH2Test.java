package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.auth.Gatekeeper;
import io.peregrine.common.auth.HbsTokenIntrospector;
import io.peregrine.common.auth.Scope;
import io.peregrine.common.auth.TokenCheck;
import io.peregrine.common.auth.TokenChecks;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.server.HttpExchanges;
import io.peregrine.common.server.HttpServerHost;
import io.peregrine.common.server.SelfMetrics;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.AgentHeartbeat;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.ReceiversRequest;
import io.peregrine.proto.v1.StrategiesRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hbs's tokens on hbs's own gRPC port ({@code hbs.auth.required}) and, through {@code GET /api/v1/auth/me}, on
 * another component's HTTP routes (what graph, judge, sender and transfer do with {@code auth.hbsUrl}).
 */
class TokensOnEveryPortH2Test {
  @TempDir
  Path dir;
  private TestDatabase db;
  private HbsHarness hbs;
  private ManagedChannel channel;
  private HttpServerHost other;
  private String pushToken;
  private String readToken;
  private String adminToken;

  @BeforeEach
  void open() throws Exception {
    db = TestDatabase.h2(dir);
    hbs = new HbsHarness(HbsHarness.config(db).withAuth(
        new AuthConfig(true, "", Duration.ofMinutes(1), 100, true, "", true, false, java.util.List.of())));
    adminToken = hbs.adminToken;
    pushToken = token("\"push\"");
    readToken = token("\"read\"");
  }

  @AfterEach
  void close() throws Exception {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    if (other != null) {
      other.close();
    }
    hbs.close();
    db.close();
  }

  private String token(String scopes) throws Exception {
    HbsHarness.Response r = hbs.as(adminToken, "POST", "/api/v1/tokens",
        "{\"name\":\"t\",\"scopes\":[" + scopes + "]}");
    assertThat(r.status()).as("%s", r.json()).isBetween(200, 201);
    return r.json().get("token").asText();
  }

  private HbsGrpc.HbsBlockingStub stub(String token) {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    channel = GrpcChannels.forAddress("127.0.0.1:" + hbs.server.grpcPort(), TlsMaterial.plaintext("t"), token);
    return HbsGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static AgentHeartbeat beat() {
    return AgentHeartbeat.newBuilder().setHostname("web-1").setIp("10.0.0.1").setAgentVersion("1").build();
  }

  private static void refused(Runnable call, Status.Code code, String text) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(text);
    });
  }

  @Test
  void grpcCallsWantATokenOfTheirScope() {
    refused(() -> stub("").heartbeat(beat()), Status.Code.UNAUTHENTICATED, "scope 'push'");
    refused(() -> stub("pgr_not_a_token").heartbeat(beat()), Status.Code.UNAUTHENTICATED, "unknown");
    refused(() -> stub(readToken).heartbeat(beat()), Status.Code.PERMISSION_DENIED, "lacks scope 'push'");
    assertThat(stub(pushToken).heartbeat(beat())).isNotNull();
    refused(() -> stub(pushToken).getStrategies(StrategiesRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED, "lacks scope 'read'");
    assertThat(stub(readToken).getStrategies(StrategiesRequest.getDefaultInstance())).isNotNull();
    assertThat(stub(readToken).getReceivers(ReceiversRequest.newBuilder().setActionId(1).build())).isNotNull();
    assertThat(stub(adminToken).getStrategies(StrategiesRequest.getDefaultInstance())).isNotNull();
    // probes stay open
    assertThat(HealthGrpc.newBlockingStub(stub("").getChannel()).check(HealthCheckRequest.getDefaultInstance())
        .getStatus().name()).isEqualTo("SERVING");
  }

  @Test
  void anotherComponentChecksHbsTokensAtAuthMe() throws Exception {
    String hbsUrl = "http://127.0.0.1:" + hbs.server.httpPort();
    TokenCheck.Verdict v = new HbsTokenIntrospector(hbsUrl, null).check(readToken);
    assertThat(v).isInstanceOfSatisfying(TokenCheck.Verdict.Valid.class, ok -> {
      assertThat(ok.caller().user()).isEqualTo("admin");
      assertThat(ok.caller().scopes()).containsExactly(Scope.READ);
    });
    assertThat(new HbsTokenIntrospector(hbsUrl, null).check("pgr_nope"))
        .isInstanceOf(TokenCheck.Verdict.Invalid.class);

    PrometheusMeterRegistry registry = SelfMetrics.newRegistry("graph");
    Gatekeeper gate = TokenChecks.atHbs("graph", AuthConfig.required(hbsUrl), TlsMaterial.plaintext("graph"),
        (m, p) -> p.startsWith("/api/v1/admin") ? Scope.ADMIN : Scope.READ, registry);
    other = new HttpServerHost("graph-http", "127.0.0.1:0", 2, registry, new HealthChecks())
        .route("/api/v1/query", ex -> HttpExchanges.json(ex, 200, "{}"))
        .route("/api/v1/admin", ex -> HttpExchanges.json(ex, 200, "{}"))
        .guard(gate, true);
    other.start();
    assertThat(status("/api/v1/query", null)).isEqualTo(401);
    assertThat(status("/api/v1/query", "pgr_nope")).isEqualTo(401);
    assertThat(status("/api/v1/query", pushToken)).isEqualTo(403);
    assertThat(status("/api/v1/query", readToken)).isEqualTo(200);
    assertThat(status("/api/v1/admin", readToken)).isEqualTo(403);
    assertThat(status("/api/v1/admin", adminToken)).isEqualTo(200);
    assertThat(status("/health", null)).isEqualTo(200);
    assertThat(status("/metrics", null)).isEqualTo(200);
  }

  private int status(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port() + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
