package io.peregrine.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.TestCertificates;
import io.peregrine.common.tls.ClientAuth;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * transfer refuses agent certificates hbs revoked ({@code auth.revocationUrl}) without a restart: the list is read
 * from a real HTTP server on loopback standing in for hbs's {@code GET /api/v1/agents/revoked}, and the same open
 * channel's next push is refused once the list names the certificate's serial.
 */
class TransferRevocationTest {
  @TempDir
  Path dir;
  private final AtomicReference<String> list = new AtomicReference<>("{\"serials\":[]}");
  private HttpServer hbs;
  private TransferServer transfer;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    if (transfer != null) {
      transfer.close();
    }
    if (hbs != null) {
      hbs.stop(0);
    }
  }

  private static SampleBatch batch(String endpoint) {
    return SampleBatch.newBuilder().addSamples(Sample.newBuilder().setEndpoint(endpoint).setMetric("cpu.busy")
        .setValue(1).setStep(60).setTimestamp(Instant.now().getEpochSecond()).setCounterType(CounterType.GAUGE))
        .build();
  }

  private TestCertificates.Ca ca;
  private Path caFile;

  /** hbs's list on a loopback HTTP server, transfer under mTLS reading it every 100 ms. */
  private void startTransfer() throws Exception {
    hbs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hbs.createContext("/api/v1/agents/revoked", ex -> {
      byte[] body = list.get().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    hbs.start();
    ca = TestCertificates.newCa("agent CA");
    caFile = ca.writeTo(dir, "ca.crt");
    TestCertificates.Files2 server = ca.issue("transfer.peregrine.test").writeTo(dir, "transfer");
    TransferConfig base = TransferServerTest.config(List.of(), List.of()).withAuth(AuthConfig.off()
        .withOwnEndpointsOnly(true, List.of()).withRevocationList("http://127.0.0.1:" + hbs.getAddress().getPort()
            + "/api/v1/agents/revoked", Duration.ofMillis(100)));
    TransferConfig config = new ConfigLoader().with(base, TransferConfig.class, Map.of("tls",
        TlsConfig.server(server.cert().toString(), server.key().toString(), caFile.toString(), ClientAuth.REQUIRE)));
    transfer = new TransferServer(config, Clock.systemUTC());
    transfer.start();
  }

  @Test
  void aRevokedSerialIsRefusedOnHttpPushWith403AndTheReason() throws Exception {
    startTransfer();
    TestCertificates.Issued web1 = ca.issue("web-1");
    TestCertificates.Files2 files = web1.writeTo(dir, "web-1");
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(
        io.peregrine.common.tls.TlsContexts.jdkClient(new TlsMaterial("agent", TlsConfig.client(caFile.toString(),
            files.cert().toString(), files.key().toString()), null))).build();
    java.net.http.HttpRequest push = java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://localhost:"
        + transfer.httpPort() + "/api/push")).timeout(Duration.ofSeconds(10)).POST(
            java.net.http.HttpRequest.BodyPublishers.ofString("[{\"endpoint\":\"web-1\",\"metric\":\"cpu.busy\","
                + "\"timestamp\":" + Instant.now().getEpochSecond() + ",\"step\":60,\"value\":1,"
                + "\"counterType\":\"GAUGE\",\"tags\":\"\"}]")).build();
    java.net.http.HttpResponse.BodyHandler<String> text = java.net.http.HttpResponse.BodyHandlers.ofString();
    assertThat(client.send(push, text).statusCode()).isEqualTo(200);

    String serial = web1.serial().toString(16);
    list.set("{\"serials\":[\"" + serial + "\"],\"generatedAt\":0}");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> client.send(push, text).statusCode() == 403);
    java.net.http.HttpResponse<String> refused = client.send(push, text);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("'web-1'", serial, "revoked");
    assertThat(transfer.registry().get("transfer_auth_refused_total").tag("reason", "revoked_certificate")
        .counter().count()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aRevokedSerialIsRefusedOnTheOpenChannelWithoutARestart() throws Exception {
    startTransfer();
    TestCertificates.Issued web1 = ca.issue("web-1");
    TestCertificates.Files2 files = web1.writeTo(dir, "web-1");
    channel = GrpcChannels.forAddress("127.0.0.1:" + transfer.grpcPort(), new TlsMaterial("agent",
        TlsConfig.client(caFile.toString(), files.cert().toString(), files.key().toString()),
        new SimpleMeterRegistry()));
    TransferGrpc.TransferBlockingStub stub = TransferGrpc.newBlockingStub(channel);
    assertThat(stub.withDeadlineAfter(10, TimeUnit.SECONDS).push(batch("web-1")).getAccepted()).isEqualTo(1);

    String serial = web1.serial().toString(16);
    list.set("{\"serials\":[\"" + serial + "\"],\"generatedAt\":0}");
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThatThrownBy(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).push(batch("web-1")))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).contains("'web-1'", serial, "revoked");
            }));
    assertThat(transfer.registry().get("transfer_auth_refused_total").tag("reason", "revoked_certificate")
        .counter().count()).isGreaterThanOrEqualTo(1);

    // another node's certificate is not touched by web-1's revocation
    TestCertificates.Files2 web2 = ca.issue("web-2").writeTo(dir, "web-2");
    ManagedChannel other = GrpcChannels.forAddress("127.0.0.1:" + transfer.grpcPort(), new TlsMaterial("agent",
        TlsConfig.client(caFile.toString(), web2.cert().toString(), web2.key().toString()), new SimpleMeterRegistry()));
    try {
      assertThat(TransferGrpc.newBlockingStub(other).withDeadlineAfter(10, TimeUnit.SECONDS).push(batch("web-2"))
          .getAccepted()).isEqualTo(1);
    } finally {
      GrpcChannels.close(other);
    }

    // a list hbs cannot answer keeps the last one in force
    hbs.stop(0);
    hbs = null;
    assertThatThrownBy(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).push(batch("web-1")))
        .isInstanceOf(StatusRuntimeException.class);
  }
}
