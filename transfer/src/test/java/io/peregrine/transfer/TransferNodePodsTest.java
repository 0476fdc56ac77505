package io.peregrine.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.auth.NodePodsConfig;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.StubKubernetesApi;
import io.peregrine.common.testing.TestCertificates;
import io.peregrine.common.tls.ClientAuth;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * transfer under mTLS with {@code auth.ownEndpointsOnly} and {@code auth.nodePods}: a node's certificate pushes for
 * the node and for the pods a (stub, real HTTPS) Kubernetes API schedules on it; another node's pods and unknown
 * endpoints are rejected sample by sample.
 */
class TransferNodePodsTest {
  @TempDir
  Path dir;
  private StubKubernetesApi api;
  private TestCertificates.Ca ca;
  private Path caFile;
  private TransferServer transfer;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    api = new StubKubernetesApi(dir);
    ca = TestCertificates.newCa("peregrine test CA");
    caFile = ca.writeTo(dir, "ca.crt");
    TestCertificates.Files2 server = ca.issue("transfer.peregrine.test").writeTo(dir, "transfer");
    // missRefresh 0: every miss asks the API again, so a pod scheduled mid-test is seen at its first push
    NodePodsConfig pods = NodePodsConfig.at(api.url(), api.tokenFile().toString(), api.caFile().toString(),
        "peregrine.io/endpoint", Duration.ofMinutes(10), Duration.ZERO);
    TransferConfig base = TransferServerTest.config(List.of(), List.of())
        .withAuth(AuthConfig.off().withOwnEndpointsOnly(true, List.of()).withNodePods(pods));
    TransferConfig config = new ConfigLoader().with(base, TransferConfig.class, Map.of("tls",
        TlsConfig.server(server.cert().toString(), server.key().toString(), caFile.toString(), ClientAuth.REQUIRE)));
    transfer = new TransferServer(config, Clock.systemUTC());
    transfer.start();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    transfer.close();
    api.close();
  }

  private TransferGrpc.TransferBlockingStub as(String node) throws Exception {
    TestCertificates.Files2 pair = ca.issue(node).writeTo(dir, node);
    channel = GrpcChannels.forAddress("127.0.0.1:" + transfer.grpcPort(), new TlsMaterial("agent",
        TlsConfig.client(caFile.toString(), pair.cert().toString(), pair.key().toString()),
        new SimpleMeterRegistry()));
    return TransferGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static SampleBatch batch(String... endpoints) {
    SampleBatch.Builder b = SampleBatch.newBuilder();
    for (String e : endpoints) {
      b.addSamples(Sample.newBuilder().setEndpoint(e).setMetric("http.requests").setValue(1).setStep(60)
          .setTimestamp(Instant.now().getEpochSecond()).setCounterType(CounterType.GAUGE));
    }
    return b.build();
  }

  @Test
  void aNodePushesForItsPodsNotForAnotherNodesNorForUnknownOnes() throws Exception {
    api.schedule("web-7f9c", "node-1");
    api.schedule(new StubKubernetesApi.Pod("shop-5d2a", "node-1", Map.of("peregrine.io/endpoint", "shop"),
        "Running"));
    api.schedule("db-0", "node-2");
    PushResponse answer = as("node-1").push(batch("node-1", "web-7f9c", "shop", "db-0", "nobody", "web-7f9c"));
    assertThat(answer.getAccepted()).isEqualTo(4);
    assertThat(answer.getRejectsList()).extracting(Reject::getIndex, Reject::getCode).containsExactly(
        tuple(3, RejectCode.FOREIGN_ENDPOINT), tuple(4, RejectCode.FOREIGN_ENDPOINT));
    assertThat(answer.getRejects(0).getReason()).contains("'node-1' may push only for endpoint 'node-1' and the pods "
        + "scheduled on it, not 'db-0'");
    assertThat(transfer.registry().get("transfer_node_pods_fetches_total").tag("result", "ok").counter().count())
        .isPositive();
  }

  @Test
  void aPodJustScheduledIsPushedForAtOnce() throws Exception {
    TransferGrpc.TransferBlockingStub node1 = as("node-1");
    assertThat(node1.push(batch("node-1", "web-new")).getRejected()).isEqualTo(1);
    api.schedule("web-new", "node-1");
    assertThat(node1.push(batch("node-1", "web-new")).getRejected()).isZero();
  }

  @Test
  void theBlockIsSetFromTheEnvironmentWithInClusterDefaults() {
    TransferConfig c = new ConfigLoader().load(null, TransferConfig.class, TransferConfig.defaults(), Map.of(
        "PEREGRINE_AUTH_OWN_ENDPOINTS_ONLY", "true", "PEREGRINE_AUTH_NODE_PODS_ENABLED", "true",
        "PEREGRINE_AUTH_NODE_PODS_ENDPOINT_LABEL", "peregrine.io/endpoint"));
    assertThat(c.auth().nodePods()).isEqualTo(new NodePodsConfig(true, NodePodsConfig.IN_CLUSTER_API,
        NodePodsConfig.IN_CLUSTER_TOKEN, NodePodsConfig.IN_CLUSTER_CA, "peregrine.io/endpoint",
        NodePodsConfig.DEFAULT_REFRESH, NodePodsConfig.DEFAULT_MISS_REFRESH, NodePodsConfig.DEFAULT_MAX_NODES));
    assertThat(TransferConfig.defaults().auth().nodePods().enabled()).isFalse();
  }
}
