package io.peregrine.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.StubHbsAuth;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.JudgeGrpc;
import io.peregrine.proto.v1.SampleBatch;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** judge.auth.required: the inspection routes want admin, gRPC Push wants push. */
class JudgeTokensTest {
  private StubHbsAuth hbs;
  private JudgeServer judge;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    hbs = new StubHbsAuth();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort(); // no hbs gRPC there: strategies stay unloaded, the routes still answer
    }
    JudgeConfig config = JudgeConfig.defaults().withListen("127.0.0.1:0", "127.0.0.1:0")
        .withHbs("127.0.0.1:" + closedPort, Duration.ofHours(1)).withAuth(AuthConfig.required(hbs.url()));
    judge = new JudgeServer(config, new InProcessAlertQueue(100), Clock.systemUTC());
    judge.start();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    judge.close();
    hbs.close();
  }

  private int status(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + judge.httpPort() + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void inspectionWantsAdmin() throws Exception {
    for (String path : new String[] {"/api/v1/strategies", "/api/v1/history?endpoint=x&metric=y"}) {
      assertThat(status(path, null)).as(path).isEqualTo(401);
      assertThat(status(path, StubHbsAuth.READ)).as(path).isEqualTo(403);
      assertThat(status(path, StubHbsAuth.ADMIN)).as(path).isNotIn(401, 403);
    }
    assertThat(status("/metrics", null)).isEqualTo(200);
  }

  @Test
  void grpcPushWantsPush() {
    channel = GrpcChannels.forAddress("127.0.0.1:" + judge.grpcPort(), TlsMaterial.plaintext("t"), StubHbsAuth.READ);
    assertThatThrownBy(() -> JudgeGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .push(SampleBatch.getDefaultInstance())).isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    GrpcChannels.close(channel);
    channel = GrpcChannels.forAddress("127.0.0.1:" + judge.grpcPort(), TlsMaterial.plaintext("t"), StubHbsAuth.PUSH);
    assertThat(JudgeGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .push(SampleBatch.getDefaultInstance())).isNotNull();
  }
}
