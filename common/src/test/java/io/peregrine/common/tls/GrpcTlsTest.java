package io.peregrine.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.testing.Closer;
import io.peregrine.common.testing.TestCertificates;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS over loopback: a GrpcServerHost and GrpcChannels built from TlsMaterial, certificates made per run. */
class GrpcTlsTest {
  @TempDir Path dir;
  private final Closer closer = new Closer();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TlsFixture pki;

  @BeforeEach
  void pki() throws Exception {
    pki = new TlsFixture(dir);
  }

  @AfterEach
  void close() throws Exception {
    closer.close();
  }

  private GrpcServerHost server(TlsConfig config) throws Exception {
    TlsMaterial tls = closer.later(new TlsMaterial("demo", config, registry));
    tls.start();
    GrpcServerHost host = closer.later(new GrpcServerHost("demo-grpc", "127.0.0.1:0", 2, List.of(), tls));
    host.start();
    return host;
  }

  private ServingStatus check(GrpcServerHost server, TlsConfig client) {
    TlsMaterial tls = closer.later(new TlsMaterial("client", client, null));
    ManagedChannel channel = GrpcChannels.forAddress("127.0.0.1:" + server.port(), tls);
    closer.later(() -> GrpcChannels.close(channel));
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  @Test
  void callOverTlsSucceeds() throws Exception {
    GrpcServerHost server = server(pki.serverConfig(ClientAuth.NONE));
    assertThat(check(server, pki.clientWithoutCert())).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void plaintextClientToTlsServerIsRefused() throws Exception {
    GrpcServerHost server = server(pki.serverConfig(ClientAuth.NONE));
    ManagedChannel plain = GrpcChannels.forAddress("127.0.0.1:" + server.port());
    closer.later(() -> GrpcChannels.close(plain));
    assertThatThrownBy(() -> HealthGrpc.newBlockingStub(plain).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void tlsClientToPlaintextServerSaysItIsNotTls() throws Exception {
    GrpcServerHost server = server(TlsConfig.off());
    assertThatThrownBy(() -> check(server, pki.clientWithoutCert()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getCause()).hasStackTraceContaining("SSL");
        });
  }

  @Test
  void clientThatDoesNotTrustTheServersCaIsRefused() throws Exception {
    GrpcServerHost server = server(pki.serverConfig(ClientAuth.NONE));
    TlsConfig trustsOther = TlsConfig.client(pki.otherCaFile.toString(), "", "");
    assertThatThrownBy(() -> check(server, trustsOther))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e).hasStackTraceContaining("certification path");
        });
  }

  @Test
  void requiredClientAuthRefusesAClientWithoutACertificate() throws Exception {
    GrpcServerHost server = server(pki.serverConfig(ClientAuth.REQUIRE));
    assertThatThrownBy(() -> check(server, pki.clientWithoutCert()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void requiredClientAuthRefusesACertificateOfAnotherCa() throws Exception {
    GrpcServerHost server = server(pki.serverConfig(ClientAuth.REQUIRE));
    assertThatThrownBy(() -> check(server, pki.clientOfOtherCa()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void requiredClientAuthAcceptsACertificateSignedByTheCa() throws Exception {
    GrpcServerHost server = server(pki.serverConfig(ClientAuth.REQUIRE));
    assertThat(check(server, pki.clientWithCert())).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void optionalClientAuthServesClientsWithAndWithoutCertificates() throws Exception {
    GrpcServerHost server = server(pki.serverConfig(ClientAuth.OPTIONAL));
    assertThat(check(server, pki.clientWithoutCert())).isEqualTo(ServingStatus.SERVING);
    assertThat(check(server, pki.clientWithCert())).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void serverNameOverrideChecksTheNameInsteadOfTheDialledAddress() throws Exception {
    TestCertificates.Files2 named = pki.ca.issueOnlyFor("graph.peregrine.svc").writeTo(dir, "named");
    GrpcServerHost server = server(TlsConfig.server(named.cert().toString(), named.key().toString(), "",
        ClientAuth.NONE));
    assertThatThrownBy(() -> check(server, pki.clientWithoutCert()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(check(server, pki.clientWithoutCert().withServerName("graph.peregrine.svc")))
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void rotatedCertificateIsServedOnTheNextHandshakeWithoutRestart() throws Exception {
    TlsMaterial tls = closer.later(new TlsMaterial("demo", pki.serverConfig(ClientAuth.NONE), registry));
    GrpcServerHost server = closer.later(new GrpcServerHost("demo-grpc", "127.0.0.1:0", 2, List.of(), tls));
    server.start();
    BigInteger first = pki.server.serial();
    assertThat(TlsFixture.servedSerial(server.port(), "h2")).isEqualTo(first);

    BigInteger second = pki.rotateServer().serial();
    assertThat(tls.checkNow()).isTrue();
    assertThat(TlsFixture.servedSerial(server.port(), "h2")).isEqualTo(second);
    assertThat(check(server, pki.clientWithoutCert())).isEqualTo(ServingStatus.SERVING);
    assertThat(registry.get("demo_tls_reloads").tag("result", "ok").counter().count()).isEqualTo(1);
    assertThat(tls.checkNow()).as("unchanged files are not reloaded").isFalse();
  }

  @Test
  void periodicCheckPicksUpARotationOnItsOwn() throws Exception {
    GrpcServerHost server = server(pki.serverConfig(ClientAuth.NONE).withReloadInterval(Duration.ofMillis(50)));
    BigInteger second = pki.rotateServer().serial();
    await().atMost(Duration.ofSeconds(20))
        .until(() -> TlsFixture.servedSerial(server.port(), "h2").equals(second));
  }

  @Test
  void rotationOfAClientCaBundleAdmitsTheNewCa() throws Exception {
    TlsMaterial tls = closer.later(new TlsMaterial("demo", pki.serverConfig(ClientAuth.REQUIRE), registry));
    GrpcServerHost server = closer.later(new GrpcServerHost("demo-grpc", "127.0.0.1:0", 2, List.of(), tls));
    server.start();
    assertThatThrownBy(() -> check(server, pki.clientOfOtherCa())).isInstanceOf(StatusRuntimeException.class);
    // the bundle now holds both CAs, as during a CA rotation
    TestCertificates.atomicWrite(pki.caFile, TestCertificates.certPem(pki.ca.cert())
        + TestCertificates.certPem(pki.otherCa.cert()));
    assertThat(tls.checkNow()).isTrue();
    assertThat(check(server, pki.clientOfOtherCa())).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void aRotationWhoseKeyDoesNotFitKeepsThePreviousPair() throws Exception {
    TlsMaterial tls = closer.later(new TlsMaterial("demo", pki.serverConfig(ClientAuth.NONE), registry));
    GrpcServerHost server = closer.later(new GrpcServerHost("demo-grpc", "127.0.0.1:0", 2, List.of(), tls));
    server.start();
    BigInteger first = pki.server.serial();
    // a new certificate with the old key still in place: a half-done rotation
    TestCertificates.atomicWrite(pki.serverFiles.cert(),
        TestCertificates.certPem(pki.ca.issue("server.peregrine.test").cert()));
    assertThat(tls.checkNow()).isFalse();
    assertThat(TlsFixture.servedSerial(server.port(), "h2")).isEqualTo(first);
    assertThat(registry.get("demo_tls_reloads").tag("result", "failed").counter().count()).isEqualTo(1);
    assertThat(tls.checkNow()).as("the same bad content is counted once").isFalse();
    assertThat(registry.get("demo_tls_reloads").tag("result", "failed").counter().count()).isEqualTo(1);
  }
}
