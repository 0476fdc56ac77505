package io.peregrine.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

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
 * transfer under mTLS with {@code auth.ownEndpointsOnly}: a client certificate pushes for its own node name only
 * (except the CNs in {@code pushForOthers}), a batch's foreign samples rejected one by one; no certificate, an expired one and another CA's are refused at the
 * handshake. Certificates are made per run.
 */
class TransferIdentityTest {
  @TempDir
  Path dir;
  private TestCertificates.Ca ca;
  private Path caFile;
  private TransferServer transfer;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    ca = TestCertificates.newCa("peregrine test CA");
    caFile = ca.writeTo(dir, "ca.crt");
    TestCertificates.Files2 server = ca.issue("transfer.peregrine.test").writeTo(dir, "transfer");
    TransferConfig base = TransferServerTest.config(List.of(), List.of())
        .withAuth(AuthConfig.off().withOwnEndpointsOnly(true, List.of("gateway-1")));
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
  }

  private static SampleBatch batch(String... endpoints) {
    SampleBatch.Builder b = SampleBatch.newBuilder();
    for (String e : endpoints) {
      b.addSamples(Sample.newBuilder().setEndpoint(e).setMetric("cpu.busy").setValue(1).setStep(60)
          .setTimestamp(Instant.now().getEpochSecond()).setCounterType(CounterType.GAUGE));
    }
    return b.build();
  }

  private TransferGrpc.TransferBlockingStub as(TestCertificates.Files2 client, Path trust) {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    TlsConfig tls = TlsConfig.client(trust.toString(), client == null ? "" : client.cert().toString(),
        client == null ? "" : client.key().toString());
    channel = GrpcChannels.forAddress("127.0.0.1:" + transfer.grpcPort(),
        new TlsMaterial("agent", tls, new SimpleMeterRegistry()));
    return TransferGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static void refused(Runnable call, Status.Code code) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }

  @Test
  void aCertificatePushesForItsOwnNodeOnlyTheForeignSamplesAreRejectedOneByOne() throws Exception {
    TestCertificates.Files2 web1 = ca.issue("web-1").writeTo(dir, "web-1");
    assertThat(as(web1, caFile).push(batch("web-1", "web-1")).getAccepted()).isEqualTo(2);
    PushResponse answer = as(web1, caFile).push(batch("web-2", "web-1", "", "web-3", "web-1"));
    // the foreign ones are rejected at their positions, the empty endpoint by validation, the rest taken
    assertThat(answer.getAccepted()).isEqualTo(2);
    assertThat(answer.getRejected()).isEqualTo(3);
    assertThat(answer.getRejectsList()).extracting(Reject::getIndex, Reject::getCode).containsExactly(
        tuple(0, RejectCode.FOREIGN_ENDPOINT), tuple(2, RejectCode.MISSING_FIELD),
        tuple(3, RejectCode.FOREIGN_ENDPOINT));
    assertThat(answer.getRejects(0).getReason())
        .contains("certificate of 'web-1' may push only for endpoint 'web-1', not 'web-2'", "pushForOthers");
    TestCertificates.Files2 gateway = ca.issue("gateway-1").writeTo(dir, "gateway");
    assertThat(as(gateway, caFile).push(batch("web-2", "switch-9")).getAccepted()).isEqualTo(2);
    assertThat(transfer.registry().get("transfer_auth_refused_total").tag("reason", "foreign_endpoint")
        .counter().count()).isEqualTo(1);
    assertThat(transfer.registry().get("transfer_auth_refused_samples_total").tag("reason", "foreign_endpoint")
        .counter().count()).isEqualTo(2);
  }

  @Test
  void aStreamAnswersEachBatchWithItsOwnForeignSamples() throws Exception {
    TestCertificates.Files2 web1 = ca.issue("web-1").writeTo(dir, "web-1");
    as(web1, caFile);
    List<PushResponse> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    io.grpc.stub.StreamObserver<SampleBatch> out = TransferGrpc.newStub(channel).pushStream(
        new io.grpc.stub.StreamObserver<>() {
          @Override public void onNext(PushResponse r) {
            answers.add(r);
          }

          @Override public void onError(Throwable t) {
            done.countDown();
          }

          @Override public void onCompleted() {
            done.countDown();
          }
        });
    out.onNext(batch("web-1", "web-9"));
    out.onNext(batch("web-1"));
    out.onNext(batch("web-8", "web-8", "web-1"));
    out.onCompleted();
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(answers).extracting(PushResponse::getAccepted, PushResponse::getRejected)
        .containsExactly(tuple(1, 1), tuple(1, 0), tuple(1, 2));
    assertThat(answers.get(2).getRejectsList()).extracting(Reject::getIndex).containsExactly(0, 1);
  }

  @Test
  void noCertificateAnExpiredOneAndAnotherCasAreRefusedAtTheHandshake() throws Exception {
    refused(() -> as(null, caFile).push(batch("web-1")), Status.Code.UNAVAILABLE);
    TestCertificates.Files2 expired = ca.issue("web-1", Instant.now().minus(Duration.ofDays(2)), Duration.ofDays(1))
        .writeTo(dir, "expired");
    refused(() -> as(expired, caFile).push(batch("web-1")), Status.Code.UNAVAILABLE);
    TestCertificates.Files2 stranger = TestCertificates.newCa("another CA").issue("web-1").writeTo(dir, "stranger");
    refused(() -> as(stranger, caFile).push(batch("web-1")), Status.Code.UNAVAILABLE);
  }
}
