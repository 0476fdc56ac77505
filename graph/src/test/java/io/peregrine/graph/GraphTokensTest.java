package io.peregrine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.StubHbsAuth;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.GraphGrpc;
import io.peregrine.proto.v1.ListSeriesRequest;
import io.peregrine.proto.v1.SampleBatch;
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

/** graph.auth.required: every query route and method wants read, deletes admin, pushes push. */
class GraphTokensTest {
  @TempDir
  Path dir;
  private StubHbsAuth hbs;
  private GraphServer graph;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    hbs = new StubHbsAuth();
    graph = new GraphServer(GraphConfig.defaults().withListen("127.0.0.1:0", "127.0.0.1:0")
        .withDataDir(dir.toString()).withAuth(AuthConfig.required(hbs.url()).withMetricsOpen(false)),
        GraphFixture.CLOCK);
    graph.start();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    graph.close();
    hbs.close();
  }

  private int status(String method, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + graph.httpPort() + path))
        .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void everyQueryRouteWantsReadAndDeletesWantAdmin() throws Exception {
    for (String path : new String[] {"/api/v1/series", "/api/v1/query?query=up", "/api/v1/labels",
        "/api/v1/endpoints", "/api/v1/counters?endpoint=x", "/api/v1/last?endpoint=x&metric=y"}) {
      assertThat(status("GET", path, null)).as(path).isEqualTo(401);
      assertThat(status("GET", path, StubHbsAuth.PUSH)).as(path).isEqualTo(403);
      assertThat(status("GET", path, StubHbsAuth.READ)).as(path).isNotIn(401, 403);
    }
    assertThat(status("DELETE", "/api/v1/series?endpoint=x", StubHbsAuth.WRITE)).isEqualTo(403);
    assertThat(status("DELETE", "/api/v1/series?endpoint=x", StubHbsAuth.ADMIN)).isNotIn(401, 403);
    assertThat(status("GET", "/health", null)).isEqualTo(200);
    assertThat(status("GET", "/metrics", null)).isEqualTo(401);
    assertThat(status("GET", "/metrics", StubHbsAuth.READ)).isEqualTo(200);
  }

  private GraphGrpc.GraphBlockingStub stub(String token) {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    channel = GrpcChannels.forAddress("127.0.0.1:" + graph.grpcPort(), TlsMaterial.plaintext("t"), token);
    return GraphGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void grpcPushWantsPushAndQueriesWantRead() {
    assertThatThrownBy(() -> stub("").push(SampleBatch.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThat(stub(StubHbsAuth.PUSH).push(SampleBatch.getDefaultInstance())).isNotNull();
    assertThatThrownBy(() -> stub(StubHbsAuth.PUSH).listSeries(ListSeriesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThat(stub(StubHbsAuth.READ).listSeries(ListSeriesRequest.getDefaultInstance())).isNotNull();
  }

  @Test
  void requiredWithoutHbsUrlIsRefusedAtLoad() {
    assertThatThrownBy(() -> GraphConfig.defaults().withAuth(AuthConfig.required("")))
        .hasMessageContaining("graph.auth.required needs graph.auth.hbsUrl");
  }
}
