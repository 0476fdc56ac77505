package io.peregrine.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.TestCertificates;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All-in-one with mTLS (clientAuth=require) on every listener and channel, one CA: the agent heartbeats to hbs and
 * ships to transfer, transfer forwards to graph and judge, judge pulls strategies from hbs, all over TLS, and a
 * caller without a certificate is refused.
 */
class TlsEndToEndTest {
  @TempDir Path dir;
  private final Lifecycle lifecycle = new Lifecycle("tls-e2e");
  private final Pipeline.Console console = new Pipeline.Console();
  private TlsMaterial callerTls;
  private ManagedChannel plain;

  @AfterEach
  void stop() {
    if (plain != null) {
      GrpcChannels.close(plain);
    }
    if (callerTls != null) {
      callerTls.close();
    }
    lifecycle.close();
  }

  @Test
  void thePipelineRunsOverMutualTlsAndRefusesCallersWithoutACertificate() throws Exception {
    TestCertificates.Ca ca = TestCertificates.newCa("peregrine-e2e-ca");
    Path caFile = ca.writeTo(dir, "ca.crt");
    TestCertificates.Files2 node = ca.issue("peregrine.test").writeTo(dir, "tls");
    Map<String, Object> tls = new LinkedHashMap<>();
    for (String c : List.of("agent", "transfer", "graph", "judge", "sender", "hbs")) {
      tls.put(c + ".tls.server", true);
      tls.put(c + ".tls.client", true);
      tls.put(c + ".tls.cert", node.cert().toString());
      tls.put(c + ".tls.key", node.key().toString());
      tls.put(c + ".tls.ca", caFile.toString());
      tls.put(c + ".tls.clientAuth", "require");
    }
    String host = "tls-" + UUID.randomUUID().toString().substring(0, 8);
    AllInOne all = new AllInOne(lifecycle, Clock.systemUTC(), console.stream);
    all.start(Pipeline.loopbackConfig(dir, host, tls));

    callerTls = new TlsMaterial("caller", TlsConfig.client(caFile.toString(), node.cert().toString(),
        node.key().toString()), null);
    HttpClient https = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(callerTls)).build();
    // agent -> hbs heartbeat, judge -> hbs strategies
    await().atMost(Duration.ofSeconds(60)).until(() ->
        get(https, all.judge().httpPort(), "/api/v1/strategies").contains(host));
    // agent -> transfer -> graph
    await().atMost(Duration.ofSeconds(60)).until(() ->
        get(https, all.graph().httpPort(), "/api/v1/series?endpoint=" + host).contains("mem.memtotal"));
    assertThat(get(https, all.hbs().httpPort(), "/health")).contains("UP");
    assertThat(get(https, all.sender().httpPort(), "/health")).contains("UP");

    HttpClient withoutCert = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(
        new TlsMaterial("stranger", TlsConfig.client(caFile.toString(), "", ""), null))).build();
    assertThatThrownBy(() -> get(withoutCert, all.graph().httpPort(), "/health"))
        .isInstanceOf(java.io.IOException.class);
    plain = GrpcChannels.forAddress("127.0.0.1:" + all.transfer().grpcPort());
    assertThatThrownBy(() -> TransferGrpc.newBlockingStub(plain).withDeadlineAfter(10, TimeUnit.SECONDS)
        .push(SampleBatch.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  private static String get(HttpClient client, int port, String pathAndQuery) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.body();
  }
}
