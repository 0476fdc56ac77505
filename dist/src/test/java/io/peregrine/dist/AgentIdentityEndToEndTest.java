package io.peregrine.dist;

import io.peregrine.common.time.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.agent.identity.AgentIdentity;
import io.peregrine.agent.identity.IdentityConfig;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.auth.NodePodsConfig;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.StubKubernetesApi;
import io.peregrine.common.testing.TestCertificates;
import io.peregrine.common.tls.ClientAuth;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.hbs.HbsConfig;
import io.peregrine.hbs.HbsServer;
import io.peregrine.hbs.ca.CaConfig;
import io.peregrine.hbs.ca.CaMaterial;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import io.peregrine.transfer.TransferConfig;
import io.peregrine.transfer.TransferServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent identity across real components on loopback: the agent's {@link AgentIdentity} enrols at a real hbs (H2,
 * HTTPS, its own generated CA) with a bootstrap token, pushes to a real transfer under mTLS for its own node only,
 * renews with its certificate at two thirds of the life (the agent's clock moved), and is refused by transfer on its
 * open channel once an admin revokes the node in hbs (transfer reads hbs's list), with no restart anywhere.
 */
class AgentIdentityEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  Path dir;
  private HbsServer hbs;
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
      hbs.close();
    }
  }

  private static SampleBatch batch(String endpoint) {
    return SampleBatch.newBuilder().addSamples(Sample.newBuilder().setEndpoint(endpoint).setMetric("cpu.busy")
        .setValue(1).setStep(60).setTimestamp(Instant.now().getEpochSecond()).setCounterType(CounterType.GAUGE))
        .build();
  }

  @Test
  void enrolPushRenewAndRevokeWithoutARestart() throws Exception {
    TestCertificates.Ca cluster = TestCertificates.newCa("cluster CA");
    Path clusterCa = cluster.writeTo(dir, "cluster-ca.crt");
    CaConfig caConfig = CaConfig.generated(dir.resolve("hbs-ca").toString(), Duration.ofHours(1));
    CaMaterial.load(caConfig, Clock.systemUTC()); // the agent CA, to put in the bundles before anything starts
    Path bundle = dir.resolve("bundle.crt");
    Files.writeString(bundle, Files.readString(clusterCa) + Files.readString(dir.resolve("hbs-ca/ca.crt")));

    TestCertificates.Files2 hbsCert = cluster.issue("localhost").writeTo(dir, "hbs");
    hbs = new HbsServer(HbsConfig.defaults().withJdbc("jdbc:h2:file:" + dir.resolve("hbs-db") + ";MODE=MySQL;"
            + "DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;NON_KEYWORDS=VALUE", "sa", "")
        .withListen("127.0.0.1:0", "127.0.0.1:0").withAdmin("e2e-admin-password", "")
        .withTls(TlsConfig.server(hbsCert.cert().toString(), hbsCert.key().toString(), bundle.toString(),
            ClientAuth.OPTIONAL))
        .withCa(caConfig), Clock.systemUTC());
    hbs.start();
    String hbsUrl = "https://localhost:" + hbs.httpPort();
    HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(new TlsMaterial("test",
        TlsConfig.client(clusterCa.toString(), "", ""), null))).build();
    String admin = post(http, hbsUrl + "/api/v1/auth/login", null,
        "{\"name\":\"admin\",\"password\":\"e2e-admin-password\"}").get("token").asText();
    String bootstrap = post(http, hbsUrl + "/api/v1/tokens", admin,
        "{\"name\":\"bootstrap\",\"scopes\":[\"enroll\"]}").get("token").asText();

    TestCertificates.Files2 transferCert = cluster.issue("localhost").writeTo(dir, "transfer");
    TransferConfig base = TransferConfig.defaults().withListen("127.0.0.1:0", "127.0.0.1:0")
        .withNodes(List.of(), List.of()).withBatching(100, Duration.ofMillis(20), 2).withQueue("", 1 << 20, 0)
        .withJsonRpc("", 4, Duration.ofSeconds(10))
        .withAuth(AuthConfig.off().withOwnEndpointsOnly(true, List.of())
            .withRevocationList(hbsUrl + "/api/v1/agents/revoked", Duration.ofMillis(200)));
    transfer = new TransferServer(new ConfigLoader().with(base, TransferConfig.class, Map.of("tls",
        TlsConfig.server(transferCert.cert().toString(), transferCert.key().toString(), bundle.toString(),
            ClientAuth.REQUIRE).withClient(true))), Clock.systemUTC());
    transfer.start();

    ManualClock agentClock = new ManualClock(Instant.now());
    AgentIdentity identity = new AgentIdentity(new IdentityConfig(hbsUrl, bootstrap,
        dir.resolve("agent-identity").toString(), IdentityConfig.DEFAULT_RENEW_AT), "web-1",
        TlsConfig.client(clusterCa.toString(), "", ""), agentClock, new SimpleMeterRegistry());
    identity.ensure();
    TlsMaterial agentTls = new TlsMaterial("agent", identity.tlsConfig(), new SimpleMeterRegistry());
    identity.attach(agentTls);
    channel = GrpcChannels.forAddress("localhost:" + transfer.grpcPort(), agentTls);
    TransferGrpc.TransferBlockingStub stub = TransferGrpc.newBlockingStub(channel);
    assertThat(stub.withDeadlineAfter(10, TimeUnit.SECONDS).push(batch("web-1")).getAccepted()).isEqualTo(1);
    assertThat(stub.withDeadlineAfter(10, TimeUnit.SECONDS).push(batch("web-2")).getRejects(0).getCode())
        .isEqualTo(RejectCode.FOREIGN_ENDPOINT);

    agentClock.advance(Duration.ofMinutes(41));
    assertThat(identity.checkNow()).isTrue(); // renewed at hbs with the current certificate, no token
    JsonNode issued = get(http, hbsUrl + "/api/v1/agents/web-1/certificates", admin).get("items");
    assertThat(issued).hasSize(2);
    assertThat(issued.get(0).get("issuedBy").asText()).isEqualTo("cert:" + issued.get(1).get("serial").asText());
    assertThat(stub.withDeadlineAfter(10, TimeUnit.SECONDS).push(batch("web-1")).getAccepted()).isEqualTo(1);

    post(http, hbsUrl + "/api/v1/agents/web-1/revoke", admin, "{}");
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThatThrownBy(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).push(batch("web-1")))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).contains("'web-1'", "revoked");
            }));
    agentClock.advance(Duration.ofMinutes(41));
    assertThat(identity.checkNow()).isFalse(); // renewal and re-enrolment of a revoked node are refused
  }

  /**
   * The production shape: a root CA every bundle holds, an intermediate under it that hbs signs agent certificates
   * with (hbs.ca.cert + hbs.ca.keyFile), transfer trusting the root only (the agent presents the intermediate after
   * its certificate), ownEndpointsOnly with the node's pods from a stub Kubernetes API; the agent enrols with a
   * bootstrap token, pushes over gRPC and HTTP, and once revoked is refused on both without a restart.
   */
  @Test
  void throughAnIntermediateEnrolPushForTheNodeAndItsPodsThenRevoked() throws Exception {
    TestCertificates.Ca root = TestCertificates.newCa("peregrine-ca");
    Path rootFile = root.writeTo(dir, "root.crt");
    TestCertificates.Ca intermediate = root.intermediate("peregrine-agent-ca");
    TestCertificates.Files2 agentCa = intermediate.writePairTo(dir, "agent-ca");
    CaConfig caConfig = new CaConfig(true, dir.resolve("unused").toString(), agentCa.cert().toString(), "",
        Duration.ofHours(1), agentCa.key().toString(), Duration.ofSeconds(30));
    TestCertificates.Files2 hbsCert = root.issue("localhost").writeTo(dir, "hbs");
    hbs = new HbsServer(HbsConfig.defaults().withJdbc("jdbc:h2:file:" + dir.resolve("hbs-db") + ";MODE=MySQL;"
            + "DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;NON_KEYWORDS=VALUE", "sa", "")
        .withListen("127.0.0.1:0", "127.0.0.1:0").withAdmin("e2e-admin-password", "")
        .withTls(TlsConfig.server(hbsCert.cert().toString(), hbsCert.key().toString(), rootFile.toString(),
            ClientAuth.OPTIONAL))
        .withCa(caConfig), Clock.systemUTC());
    hbs.start();
    String hbsUrl = "https://localhost:" + hbs.httpPort();
    HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(new TlsMaterial("test",
        TlsConfig.client(rootFile.toString(), "", ""), null))).build();
    String admin = post(http, hbsUrl + "/api/v1/auth/login", null,
        "{\"name\":\"admin\",\"password\":\"e2e-admin-password\"}").get("token").asText();
    String bootstrap = post(http, hbsUrl + "/api/v1/tokens", admin,
        "{\"name\":\"bootstrap\",\"scopes\":[\"enroll\"]}").get("token").asText();

    try (StubKubernetesApi kubernetes = new StubKubernetesApi(dir)) {
      kubernetes.schedule("shop-7f9c", "web-1");
      kubernetes.schedule("db-0", "web-2");
      TestCertificates.Files2 transferCert = root.issue("localhost").writeTo(dir, "transfer");
      TransferConfig base = TransferConfig.defaults().withListen("127.0.0.1:0", "127.0.0.1:0")
          .withNodes(List.of(), List.of()).withBatching(100, Duration.ofMillis(20), 2).withQueue("", 1 << 20, 0)
          .withJsonRpc("", 4, Duration.ofSeconds(10))
          .withAuth(AuthConfig.off().withOwnEndpointsOnly(true, List.of())
              .withRevocationList(hbsUrl + "/api/v1/agents/revoked", Duration.ofMillis(200))
              .withNodePods(NodePodsConfig.at(kubernetes.url(), kubernetes.tokenFile().toString(),
                  kubernetes.caFile().toString(), "", Duration.ofMinutes(1), Duration.ofSeconds(10))));
      transfer = new TransferServer(new ConfigLoader().with(base, TransferConfig.class, Map.of("tls",
          TlsConfig.server(transferCert.cert().toString(), transferCert.key().toString(), rootFile.toString(),
              ClientAuth.REQUIRE).withClient(true))), Clock.systemUTC());
      transfer.start();

      AgentIdentity identity = new AgentIdentity(new IdentityConfig(hbsUrl, bootstrap,
          dir.resolve("agent-identity").toString(), IdentityConfig.DEFAULT_RENEW_AT), "web-1",
          TlsConfig.client(rootFile.toString(), "", ""), Clock.systemUTC(), new SimpleMeterRegistry());
      identity.ensure();
      String chain = Files.readString(Path.of(identity.tlsConfig().cert()));
      assertThat(chain).contains(TestCertificates.certPem(intermediate.cert())); // presented after the leaf
      TlsMaterial agentTls = new TlsMaterial("agent", identity.tlsConfig(), new SimpleMeterRegistry());
      identity.attach(agentTls);
      channel = GrpcChannels.forAddress("localhost:" + transfer.grpcPort(), agentTls);
      TransferGrpc.TransferBlockingStub stub = TransferGrpc.newBlockingStub(channel);
      PushResponse answer = stub.withDeadlineAfter(10, TimeUnit.SECONDS).push(SampleBatch.newBuilder()
          .addAllSamples(batch("web-1").getSamplesList()).addAllSamples(batch("shop-7f9c").getSamplesList())
          .addAllSamples(batch("db-0").getSamplesList()).build());
      assertThat(answer.getAccepted()).isEqualTo(2); // the node and its pod; the other node's pod refused
      assertThat(answer.getRejectsList()).extracting(r -> r.getIndex() + ":" + r.getCode())
          .containsExactly("2:FOREIGN_ENDPOINT");

      HttpClient agentHttp = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(agentTls)).build();
      HttpRequest httpPush = HttpRequest.newBuilder(URI.create("https://localhost:" + transfer.httpPort()
          + "/api/push")).POST(HttpRequest.BodyPublishers.ofString("[{\"endpoint\":\"web-1\",\"metric\":"
          + "\"cpu.busy\",\"timestamp\":" + Instant.now().getEpochSecond() + ",\"step\":60,\"value\":1,"
          + "\"counterType\":\"GAUGE\",\"tags\":\"\"}]")).build();
      assertThat(agentHttp.send(httpPush, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

      post(http, hbsUrl + "/api/v1/agents/web-1/revoke", admin, "{}");
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThatThrownBy(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).push(batch("web-1")))
              .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.getStatus().getDescription()).contains("'web-1'", "revoked");
              }));
      HttpResponse<String> refused = agentHttp.send(httpPush, HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("'web-1'", "revoked");
      assertThat(transfer.registry().get("transfer_auth_refused_total").tag("reason", "revoked_certificate")
          .counter().count()).isGreaterThanOrEqualTo(2);
    }
  }

  private static JsonNode post(HttpClient http, String url, String bearer, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + " " + r.body()).isBetween(200, 201);
    return JSON.readTree(r.body());
  }

  private static JsonNode get(HttpClient http, String url, String bearer) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + " " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
