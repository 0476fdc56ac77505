package io.peregrine.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.StubHbsAuth;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** transfer.auth.required: /api/push, Transfer.Update over JSON-RPC and gRPC Push each want scope push. */
class TransferTokensTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ITEM = "[{\"endpoint\":\"web-1\",\"metric\":\"cpu.busy\",\"timestamp\":"
      + (System.currentTimeMillis() / 1000) + ",\"step\":60,\"value\":1,\"counterType\":\"GAUGE\",\"tags\":\"\"}]";
  private StubHbsAuth hbs;
  private TransferServer transfer;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    hbs = new StubHbsAuth();
    TransferConfig config = TransferServerTest.config(List.of(), List.of())
        .withJsonRpc("127.0.0.1:0", 4, Duration.ofSeconds(10)).withAuth(AuthConfig.required(hbs.url()));
    transfer = new TransferServer(config, Clock.systemUTC());
    transfer.start();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    transfer.close();
    hbs.close();
  }

  private HttpResponse<String> push(String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + transfer.httpPort()
        + "/api/push")).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(ITEM));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void httpPushWantsScopePush() throws Exception {
    assertThat(push(null).statusCode()).isEqualTo(401);
    assertThat(push(null).body()).contains("scope 'push'");
    assertThat(push("pgr_unknown").statusCode()).isEqualTo(401);
    assertThat(push(StubHbsAuth.READ).statusCode()).isEqualTo(403);
    assertThat(push(StubHbsAuth.PUSH).statusCode()).isEqualTo(200);
    assertThat(push(StubHbsAuth.ADMIN).statusCode()).isEqualTo(200);
  }

  @Test
  void jsonRpcWantsTransferAuthFirstOnEachConnection() throws Exception {
    try (Socket s = new Socket("127.0.0.1", transfer.jsonRpcPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      JsonNode r = call(out, in, "{\"method\":\"Transfer.Update\",\"params\":[" + ITEM + "],\"id\":1}");
      assertThat(r.get("error").asText()).contains("call Transfer.Auth");
      r = call(out, in, "{\"method\":\"Transfer.Auth\",\"params\":[\"" + StubHbsAuth.READ + "\"],\"id\":2}");
      assertThat(r.get("error").asText()).contains("lacks scope 'push'");
      r = call(out, in, "{\"method\":\"Transfer.Update\",\"params\":[" + ITEM + "],\"id\":3}");
      assertThat(r.get("error").asText()).contains("call Transfer.Auth");
      r = call(out, in, "{\"method\":\"Transfer.Auth\",\"params\":[\"" + StubHbsAuth.PUSH + "\"],\"id\":4}");
      assertThat(r.get("error").isNull()).isTrue();
      r = call(out, in, "{\"method\":\"Transfer.Update\",\"params\":[" + ITEM + "],\"id\":5}");
      assertThat(r.get("error").isNull()).as("%s", r).isTrue();
      assertThat(r.get("result").get("Total").asInt()).isEqualTo(1);
    }
  }

  private static JsonNode call(OutputStream out, BufferedReader in, String request) throws Exception {
    out.write((request + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return JSON.readTree(in.readLine());
  }

  @Test
  void grpcPushWantsScopePush() {
    assertThatThrownBy(() -> stub("").push(SampleBatch.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("scope 'push'");
        });
    assertThatThrownBy(() -> stub(StubHbsAuth.READ).push(SampleBatch.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThat(stub(StubHbsAuth.PUSH).push(SampleBatch.getDefaultInstance())).isNotNull();
  }

  private TransferGrpc.TransferBlockingStub stub(String token) {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    channel = GrpcChannels.forAddress("127.0.0.1:" + transfer.grpcPort(), TlsMaterial.plaintext("t"), token);
    return TransferGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }
}
