package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peregrine.common.testing.TestCertificates;
import io.peregrine.common.tls.ClientAuth;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.hbs.ca.CaConfig;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hbs signing with a configured intermediate (hbs.ca.cert + hbs.ca.keyFile) re-reads it without a restart: a renewed
 * intermediate (same key, as cert-manager's rotationPolicy Never; or a new key) signs the next certificate and is the
 * chain answered with it; a broken file or half a rotation keeps the previous one, logged and counted. A real hbs
 * over HTTPS; certificates made per run; the check is awaited (its interval is short), never slept on.
 */
class AgentCaReloadH2Test {
  @TempDir
  Path dir;
  private TestDatabase db;
  private HbsServer hbs;
  private TestCertificates.Ca root;
  private TestCertificates.Ca intermediate;
  private Path rootFile;
  private HttpClient anonymous;
  private String bootstrap;
  private int node;

  @BeforeEach
  void open() throws Exception {
    db = TestDatabase.h2(dir);
    root = TestCertificates.newCa("peregrine-ca");
    rootFile = root.writeTo(dir, "root.crt");
    TestCertificates.Files2 server = root.issue("localhost").writeTo(dir, "hbs");
    intermediate = root.intermediate("peregrine-agent-ca");
    TestCertificates.Files2 agentCa = intermediate.writePairTo(dir, "agent-ca");
    CaConfig ca = new CaConfig(true, dir.resolve("unused").toString(), agentCa.cert().toString(), "",
        Duration.ofHours(1), agentCa.key().toString(), Duration.ofMillis(50));
    TlsConfig tls = TlsConfig.server(server.cert().toString(), server.key().toString(), rootFile.toString(),
        ClientAuth.OPTIONAL);
    hbs = new HbsServer(HbsHarness.config(db).withTls(tls).withAdmin("ca-admin-secret", "").withCa(ca),
        Clock.systemUTC());
    hbs.start();
    anonymous = AgentPki.client(rootFile, null, null);
    String admin = AgentPki.send(anonymous, hbs.httpPort(), "POST", "/api/v1/auth/login", null,
        "{\"name\":\"admin\",\"password\":\"ca-admin-secret\"}").json().get("token").asText();
    bootstrap = AgentPki.send(anonymous, hbs.httpPort(), "POST", "/api/v1/tokens", admin,
        "{\"name\":\"bootstrap\",\"scopes\":[\"enroll\"]}").json().get("token").asText();
  }

  @AfterEach
  void close() throws Exception {
    if (hbs != null) {
      hbs.close();
    }
    db.close();
  }

  /** Enrols a new node; the answer's certificate and the chain it came with. */
  private AgentPki.Answer enrol() throws Exception {
    String name = "web-" + ++node;
    AgentPki.Answer a = AgentPki.send(anonymous, hbs.httpPort(), "POST", "/api/v1/agents/enroll", bootstrap,
        AgentPki.enrollBody(name, AgentPki.csr(name).pem()));
    assertThat(a.status()).as(a.json().toString()).isEqualTo(200);
    return a;
  }

  private double reloads(String result) {
    return hbs.registry().get("hbs_ca_reloads_total").tag("result", result).counter().count();
  }

  private void awaitReloads(String result, double n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> reloads(result) == n);
  }

  @Test
  void aRenewedIntermediateSignsTheNextCertificateWithoutARestart() throws Exception {
    AgentPki.Answer before = enrol();
    before.certificate().verify(intermediate.cert().getPublicKey());
    assertThat(before.json().get("ca").asText()).isEqualTo(TestCertificates.certPem(intermediate.cert()));

    // cert-manager renews the intermediate keeping its key: a new certificate, the same key file
    TestCertificates.Ca sameKey = root.renew(intermediate);
    assertThat(sameKey.cert().getSerialNumber()).isNotEqualTo(intermediate.cert().getSerialNumber());
    TestCertificates.atomicWrite(dir.resolve("agent-ca.crt"), TestCertificates.certPem(sameKey.cert()));
    awaitReloads("ok", 1);
    AgentPki.Answer renewed = enrol();
    renewed.certificate().verify(sameKey.cert().getPublicKey());
    assertThat(renewed.json().get("ca").asText()).isEqualTo(TestCertificates.certPem(sameKey.cert()));
    assertThat(AgentPki.send(anonymous, hbs.httpPort(), "GET", "/api/v1/agents/ca", null, null).json().asText())
        .isEqualTo(TestCertificates.certPem(sameKey.cert()));

    // a new key too (key file first, then the certificate, each in one rename)
    TestCertificates.Ca newKey = root.intermediate("peregrine-agent-ca");
    newKey.writePairTo(dir, "agent-ca");
    awaitReloads("ok", 2);
    X509Certificate third = enrol().certificate();
    third.verify(newKey.cert().getPublicKey());
    assertThat(hbs.registry().get("hbs_ca_certificate_not_after_seconds").gauge().value())
        .isEqualTo((double) newKey.cert().getNotAfter().toInstant().getEpochSecond());
  }

  @Test
  void aBrokenFileOrHalfARotationKeepsThePreviousCaLoggedAndCounted() throws Exception {
    X509Certificate issuer = intermediate.cert();
    Files.writeString(dir.resolve("agent-ca.crt"), "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
    awaitReloads("failed", 1);
    enrol().certificate().verify(issuer.getPublicKey());

    // a new certificate whose key has not been written yet
    TestCertificates.Ca next = root.intermediate("peregrine-agent-ca");
    TestCertificates.atomicWrite(dir.resolve("agent-ca.crt"), TestCertificates.certPem(next.cert()));
    awaitReloads("failed", 2);
    enrol().certificate().verify(issuer.getPublicKey());
    assertThat(reloads("ok")).isZero();

    // the key arrives: the pair loads
    next.writePairTo(dir, "agent-ca");
    awaitReloads("ok", 1);
    enrol().certificate().verify(next.cert().getPublicKey());
  }
}
