package io.peregrine.hbs;

import io.peregrine.common.time.ManualClock;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.TestCertificates;
import io.peregrine.common.tls.ClientAuth;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.hbs.ca.CaConfig;
import io.peregrine.hbs.ca.CaMaterial;
import io.peregrine.proto.v1.AgentHeartbeat;
import io.peregrine.proto.v1.HbsGrpc;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent identity on a real hbs over HTTPS (docs/SECURITY.md): enrolment with a bootstrap token, renewal with the
 * current certificate, the refusals (bad, expired, revoked or scope-less tokens; expired certificates, another
 * node's, another CA's), revocation by node name (renewals, enrolments and hbs's gRPC port refuse it without a
 * restart), and the issuance record in SQL and the audit log. Certificates are made per run; the clock is moved.
 */
abstract class AbstractAgentEnrolmentScenario {
  static final Duration LIFETIME = Duration.ofHours(1);
  @TempDir
  Path dir;
  TestDatabase db;
  HbsServer hbs;
  /** Starts at the real now, so TLS validity (checked on real time) agrees. */
  final ManualClock clock = new ManualClock(Instant.now());
  Path clusterCaFile;
  TestCertificates.Ca clusterCa;
  CaMaterial agentCa;
  HttpClient anonymous;
  String admin;
  String bootstrap;

  abstract TestDatabase openDatabase() throws Exception;

  @BeforeEach
  void open() throws Exception {
    db = openDatabase();
    clusterCa = TestCertificates.newCa("cluster CA");
    clusterCaFile = clusterCa.writeTo(dir, "cluster-ca.crt");
    TestCertificates.Files2 server = clusterCa.issue("localhost").writeTo(dir, "hbs");
    Path caDir = dir.resolve("agent-ca");
    CaConfig ca = CaConfig.generated(caDir.toString(), LIFETIME);
    agentCa = CaMaterial.load(ca, clock); // generated now; hbs reads the same files at its start
    Path bundle = dir.resolve("bundle.crt");
    Files.writeString(bundle, Files.readString(clusterCaFile) + Files.readString(caDir.resolve("ca.crt")));
    TlsConfig tls = TlsConfig.server(server.cert().toString(), server.key().toString(), bundle.toString(),
        ClientAuth.OPTIONAL);
    hbs = new HbsServer(HbsHarness.config(db).withTls(tls).withAdmin("agent-admin-secret", "").withCa(ca), clock);
    hbs.start();
    anonymous = AgentPki.client(clusterCaFile, null, null);
    admin = send(anonymous, "POST", "/api/v1/auth/login", null,
        "{\"name\":\"admin\",\"password\":\"agent-admin-secret\"}").json().get("token").asText();
    bootstrap = token("bootstrap", "enroll");
  }

  @AfterEach
  void close() throws Exception {
    if (hbs != null) {
      hbs.close();
    }
    db.close();
  }

  String token(String name, String scope) throws Exception {
    return send(anonymous, "POST", "/api/v1/tokens", admin, "{\"name\":\"" + name + "\",\"scopes\":[\"" + scope
        + "\"]}").json().get("token").asText();
  }

  AgentPki.Answer send(HttpClient c, String method, String path, String bearer, String body) throws Exception {
    return AgentPki.send(c, hbs.httpPort(), method, path, bearer, body);
  }

  AgentPki.Answer enroll(HttpClient c, String bearer, String node, String csr) throws Exception {
    return send(c, "POST", "/api/v1/agents/enroll", bearer, AgentPki.enrollBody(node, csr));
  }

  /** Enrols {@code node} with the bootstrap token and writes its certificate and key. */
  TestCertificates.Files2 enrolled(String node) throws Exception {
    AgentPki.Csr csr = AgentPki.csr(node);
    AgentPki.Answer a = enroll(anonymous, bootstrap, node, csr.pem());
    assertThat(a.status()).as(a.json().toString()).isEqualTo(200);
    return AgentPki.write(dir, node + "-" + a.json().get("serial").asText(), a, csr.keys());
  }

  HttpClient presenting(TestCertificates.Files2 f) {
    return AgentPki.client(clusterCaFile, f.cert(), f.key());
  }

  @Test
  void aBootstrapTokenGetsACertificateForTheNodeRecordedInSqlAndTheAuditLog() throws Exception {
    AgentPki.Csr csr = AgentPki.csr("web-1");
    AgentPki.Answer a = enroll(anonymous, bootstrap, "web-1", csr.pem());
    assertThat(a.status()).as(a.json().toString()).isEqualTo(200);
    X509Certificate cert = a.certificate();
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=web-1");
    assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(2, "web-1"));
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(cert.getPublicKey()).isEqualTo(csr.keys().getPublic());
    cert.verify(agentCa.certificate().getPublicKey());
    assertThat(Duration.between(clock.instant(), cert.getNotAfter().toInstant())).isBetween(
        LIFETIME.minusSeconds(2), LIFETIME);
    String serial = cert.getSerialNumber().toString(16);
    assertThat(a.json().get("serial").asText()).isEqualTo(serial);
    assertThat(a.json().get("ca").asText()).isEqualTo(agentCa.chainPem());

    String issuedBy = hbs.database().tx(h -> h.createQuery(
        "SELECT issued_by FROM agent_certificate WHERE serial = :s AND node = 'web-1'").bind("s", serial)
        .mapTo(String.class).one());
    assertThat(issuedBy).startsWith("token:admin/");
    AgentPki.Answer audit = send(anonymous, "GET", "/api/v1/audit?entity=agents", admin, null);
    assertThat(audit.json().toString()).contains(serial).contains("web-1");
    AgentPki.Answer listed = send(anonymous, "GET", "/api/v1/agents/web-1/certificates", admin, null);
    assertThat(listed.json().get("items").get(0).get("serial").asText()).isEqualTo(serial);
    AgentPki.Answer caPem = send(anonymous, "GET", "/api/v1/agents/ca", null, null);
    assertThat(caPem.json().asText()).isEqualTo(agentCa.chainPem());
  }

  @Test
  void badExpiredRevokedAndScopelessBootstrapTokensAreRefused() throws Exception {
    String csr = AgentPki.csr("web-1").pem();
    AgentPki.Answer none = enroll(anonymous, null, "web-1", csr);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.error()).contains("needs a bootstrap token");
    AgentPki.Answer unknown = enroll(anonymous, "pgr_not-a-token", "web-1", csr);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.error()).isEqualTo("the bootstrap token is unknown, revoked or expired");
    AgentPki.Answer scopeless = enroll(anonymous, token("reader", "read"), "web-1", csr);
    assertThat(scopeless.status()).isEqualTo(403);
    assertThat(scopeless.error()).contains("lacks scope 'enroll'");

    AgentPki.Answer made = send(anonymous, "POST", "/api/v1/tokens", admin, "{\"name\":\"short\",\"scopes\":"
        + "[\"enroll\"],\"expiresInSeconds\":60}");
    clock.advance(Duration.ofMinutes(2));
    AgentPki.Answer expired = enroll(anonymous, made.json().get("token").asText(), "web-1", csr);
    assertThat(expired.status()).isEqualTo(401);

    AgentPki.Answer doomedMade = send(anonymous, "POST", "/api/v1/tokens", admin,
        "{\"name\":\"doomed\",\"scopes\":[\"enroll\"]}");
    String doomed = doomedMade.json().get("token").asText();
    long id = doomedMade.json().get("id").asLong();
    assertThat(send(anonymous, "DELETE", "/api/v1/tokens/" + id, admin, null).status()).isEqualTo(200);
    assertThat(enroll(anonymous, doomed, "web-1", csr).status()).isEqualTo(401);
  }

  @Test
  void badRequestsAreRefusedNamingWhy() throws Exception {
    AgentPki.Answer other = enroll(anonymous, bootstrap, "web-1", AgentPki.csr("web-2").pem());
    assertThat(other.status()).isEqualTo(400);
    assertThat(other.error()).isEqualTo("the request names CN 'web-2', not the node 'web-1'");
    AgentPki.Answer garbage = enroll(anonymous, bootstrap, "web-1", "not a csr");
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.error()).contains("PKCS#10");
    AgentPki.Answer name = enroll(anonymous, bootstrap, "web_1!", AgentPki.csr("web_1!").pem());
    assertThat(name.status()).isEqualTo(400);
    assertThat(name.error()).contains("node must be a DNS name");
  }

  @Test
  void aCurrentCertificateRenewsWithoutATokenUntilItExpires() throws Exception {
    TestCertificates.Files2 first = enrolled("web-1");
    clock.advance(LIFETIME.multipliedBy(2).dividedBy(3));
    AgentPki.Csr next = AgentPki.csr("web-1");
    AgentPki.Answer renewed = enroll(presenting(first), null, "web-1", next.pem());
    assertThat(renewed.status()).as(renewed.json().toString()).isEqualTo(200);
    String firstSerial = serialOf(first);
    String issuedBy = hbs.database().tx(h -> h.createQuery("SELECT issued_by FROM agent_certificate WHERE serial = :s")
        .bind("s", renewed.json().get("serial").asText()).mapTo(String.class).one());
    assertThat(issuedBy).isEqualTo("cert:" + firstSerial);
    assertThat(renewed.certificate().getNotAfter()).isAfter(
        java.util.Date.from(clock.instant().plus(LIFETIME).minusSeconds(2)));

    // a certificate for web-1 renews nothing else
    AgentPki.Answer foreign = enroll(presenting(first), null, "web-2", AgentPki.csr("web-2").pem());
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.error()).contains("of 'web-1' cannot renew node 'web-2'");

    // past its expiry (hbs's clock) the old certificate renews nothing
    clock.advance(LIFETIME);
    AgentPki.Answer expired = enroll(presenting(first), null, "web-1", AgentPki.csr("web-1").pem());
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.error()).contains("expired").contains("bootstrap token");
  }

  @Test
  void certificatesOfAnotherCaOrOfTheClusterCaRenewNothing() throws Exception {
    TestCertificates.Files2 stranger = TestCertificates.newCa("other CA").issue("web-1").writeTo(dir, "stranger");
    AgentPki.Answer foreign = enroll(presenting(stranger), null, "web-1", AgentPki.csr("web-1").pem());
    assertThat(foreign.status()).isEqualTo(401);
    assertThat(foreign.error()).contains("needs a bootstrap token");
    TestCertificates.Files2 component = clusterCa.issue("web-1").writeTo(dir, "component");
    AgentPki.Answer a = enroll(presenting(component), null, "web-1", AgentPki.csr("web-1").pem());
    assertThat(a.status()).isEqualTo(401);
  }

  @Test
  void aRevokedNodeIsRefusedEverywhereWithoutARestartUntilLifted() throws Exception {
    TestCertificates.Files2 cert = enrolled("web-3");
    String serial = serialOf(cert);
    TlsMaterial tls = new TlsMaterial("agent-test", TlsConfig.client(clusterCaFile.toString(),
        cert.cert().toString(), cert.key().toString()), null);
    ManagedChannel channel = GrpcChannels.forAddress("localhost:" + hbs.grpcPort(), tls);
    try {
      HbsGrpc.HbsBlockingStub stub = HbsGrpc.newBlockingStub(channel);
      AgentHeartbeat beat = AgentHeartbeat.newBuilder().setHostname("web-3").setIp("10.0.0.3").build();
      stub.heartbeat(beat);

      assertThat(send(anonymous, "POST", "/api/v1/agents/web-3/revoke", bootstrap, "{}").status()).isEqualTo(403);
      AgentPki.Answer revoked = send(anonymous, "POST", "/api/v1/agents/web-3/revoke", admin, "{}");
      assertThat(revoked.status()).as(revoked.json().toString()).isEqualTo(200);
      assertThat(revoked.json().get("revokedCertificates").asInt()).isEqualTo(1);
      assertThat(send(anonymous, "GET", "/api/v1/agents/revoked", null, null).json().get("serials"))
          .extracting(n -> n.asText()).containsExactly(serial);

      // the same connection's next call is refused, no restart
      assertThatThrownBy(() -> stub.heartbeat(beat)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(e.getStatus().getDescription()).contains("'web-3'").contains(serial).contains("revoked");
      });
    } finally {
      GrpcChannels.close(channel);
    }
    // the HTTPS admin port too: a request presenting the revoked certificate is refused whatever its token
    AgentPki.Answer http = send(presenting(cert), "GET", "/api/v1/agents/web-3/certificates", admin, null);
    assertThat(http.status()).isEqualTo(403);
    assertThat(http.error()).contains("'web-3'", serial, "revoked");
    assertThat(send(presenting(cert), "GET", "/health", null, null).status()).isEqualTo(200);
    assertThat(send(anonymous, "GET", "/api/v1/agents/web-3/certificates", admin, null).status()).isEqualTo(200);
    assertThat(hbs.registry().get("hbs_auth_refused_total").tag("reason", "revoked_certificate").counter().count())
        .isEqualTo(2); // the heartbeat and the admin request
    AgentPki.Answer renewal = enroll(presenting(cert), null, "web-3", AgentPki.csr("web-3").pem());
    assertThat(renewal.status()).isEqualTo(403);
    assertThat(renewal.error()).contains("is revoked");
    AgentPki.Answer again = enroll(anonymous, bootstrap, "web-3", AgentPki.csr("web-3").pem());
    assertThat(again.status()).isEqualTo(403);
    assertThat(again.error()).contains("node 'web-3' is revoked");

    assertThat(send(anonymous, "DELETE", "/api/v1/agents/web-3/revocation", admin, null).status()).isEqualTo(200);
    assertThat(enroll(anonymous, bootstrap, "web-3", AgentPki.csr("web-3").pem()).status()).isEqualTo(200);
    // the old certificate stays revoked
    assertThat(enroll(presenting(cert), null, "web-3", AgentPki.csr("web-3").pem()).status()).isEqualTo(403);
  }

  static String serialOf(TestCertificates.Files2 f) throws Exception {
    X509Certificate c = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(Files.newInputStream(f.cert()));
    return c.getSerialNumber().toString(16);
  }
}
