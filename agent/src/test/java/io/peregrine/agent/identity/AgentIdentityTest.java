package io.peregrine.agent.identity;

import io.peregrine.common.time.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.testing.TestCertificates;
import io.peregrine.common.tls.ClientAuth;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLParameters;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's side of agent identity against a real HTTPS server on loopback standing in for hbs's enrolment route
 * (it signs the CSRs it gets with a CA made per run and records each request): the first certificate with the
 * bootstrap token, the request carrying only the node and a CSR (never the key), the key file owner-only, renewal at
 * two thirds of the life (moved clock) with the current certificate and no token, and the TLS material reloaded.
 */
class AgentIdentityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  Path dir;
  private HttpsServer hbs;
  private TestCertificates.Ca serverCa;
  private Path serverCaFile;
  /** Starts at the real now, so TLS validity (checked on real time) agrees. */
  private final ManualClock clock = new ManualClock(Instant.now());

  /** One request hbs saw: its body, its Authorization header, and the client certificate's CN (or null). */
  record Seen(String body, String authorization, String clientCn) {}

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicReference<Integer> answerStatus = new AtomicReference<>(200);
  private final AtomicLong serials = new AtomicLong(1000);

  @BeforeEach
  void start() throws Exception {
    serverCa = TestCertificates.newCa("cluster CA");
    serverCaFile = serverCa.writeTo(dir, "ca.crt");
    agentCa = newAgentCa();
    Path bundle = dir.resolve("bundle.crt");
    Files.writeString(bundle, Files.readString(serverCaFile) + TestCertificates.certPem(agentCa.cert()));
    TestCertificates.Files2 server = serverCa.issue("localhost").writeTo(dir, "hbs");
    TlsMaterial serverTls = new TlsMaterial("hbs", TlsConfig.server(server.cert().toString(),
        server.key().toString(), bundle.toString(), ClientAuth.OPTIONAL), null);
    hbs = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hbs.setHttpsConfigurator(new HttpsConfigurator(TlsContexts.jdkServer(serverTls)) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = getSSLContext().getDefaultSSLParameters();
        p.setWantClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    hbs.createContext("/api/v1/agents/enroll", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String cn = null;
      try {
        var peer = ((HttpsExchange) ex).getSSLSession().getPeerCertificates();
        cn = ((X509Certificate) peer[0]).getSubjectX500Principal().getName();
      } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
        cn = null;
      }
      seen.add(new Seen(body, ex.getRequestHeaders().getFirst("Authorization"), cn));
      byte[] answer;
      int status = answerStatus.get();
      try {
        answer = status == 200 ? sign(JSON.readTree(body)).getBytes(StandardCharsets.UTF_8)
            : "{\"error\":\"node 'web-1' is revoked\"}".getBytes(StandardCharsets.UTF_8);
      } catch (Exception e) {
        status = 500;
        answer = ("{\"error\":\"" + e + "\"}").getBytes(StandardCharsets.UTF_8);
      }
      ex.sendResponseHeaders(status, answer.length);
      ex.getResponseBody().write(answer);
      ex.close();
    });
    hbs.start();
  }

  @AfterEach
  void stop() {
    hbs.stop(0);
  }

  /** Signs the request's key for an hour from the moved clock, with the agent CA. */
  private String sign(JsonNode body) throws Exception {
    PKCS10CertificationRequest csr;
    try (PEMParser p = new PEMParser(new StringReader(body.get("csr").asText()))) {
      csr = (PKCS10CertificationRequest) p.readObject();
    }
    Instant from = clock.instant().minusSeconds(60);
    TestCertificates.Issued signer = signerOf();
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        signer.cert(), BigInteger.valueOf(serials.incrementAndGet()), Date.from(from),
        Date.from(from.plus(Duration.ofHours(1))), new X500Name("CN=" + body.get("node").asText()),
        new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo()))
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.key())));
    return JSON.writeValueAsString(java.util.Map.of("certificate", TestCertificates.certPem(cert)
        + TestCertificates.certPem(signer.cert()), "serial", cert.getSerialNumber().toString(16),
        "notAfter", cert.getNotAfter().toInstant().toString()));
  }

  private TestCertificates.Issued agentCa;

  /** The CA the stand-in signs agents with (self-signed, made per run); its server trusts it for renewals. */
  private TestCertificates.Issued signerOf() {
    return agentCa;
  }

  private static TestCertificates.Issued newAgentCa() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair pair = g.generateKeyPair();
    X500Name name = new X500Name("CN=agent CA");
    Instant from = Instant.now().minusSeconds(3600);
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(from),
        Date.from(from.plus(Duration.ofDays(2))), name, pair.getPublic());
    b.addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true,
        new org.bouncycastle.asn1.x509.BasicConstraints(true));
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    return new TestCertificates.Issued(cert, pair.getPrivate());
  }

  private AgentIdentity identity(String token) {
    IdentityConfig config = new IdentityConfig("https://localhost:" + hbs.getAddress().getPort(), token,
        dir.resolve("identity").toString(), IdentityConfig.DEFAULT_RENEW_AT);
    return new AgentIdentity(config, "web-1", TlsConfig.client(serverCaFile.toString(), "", ""), clock,
        new SimpleMeterRegistry());
  }

  @Test
  void enrolsWithTheBootstrapTokenSendingOnlyTheNodeAndACsr() throws Exception {
    AgentIdentity id = identity("pgr_bootstrap");
    id.ensure();
    assertThat(seen).hasSize(1);
    Seen first = seen.get(0);
    assertThat(first.authorization()).isEqualTo("Bearer pgr_bootstrap");
    assertThat(first.clientCn()).isNull();
    JsonNode body = JSON.readTree(first.body());
    assertThat(body.properties()).extracting(e -> e.getKey()).containsExactly("node", "csr");
    assertThat(body.get("node").asText()).isEqualTo("web-1");
    assertThat(body.get("csr").asText()).startsWith("-----BEGIN CERTIFICATE REQUEST-----");

    Path key = dir.resolve("identity/agent.key");
    String keyPem = Files.readString(key);
    String keyBase64 = keyPem.replaceAll("-----[A-Z ]+-----|\\s", "");
    assertThat(first.body()).doesNotContain("PRIVATE KEY").doesNotContain(keyBase64.substring(0, 40));
    // the CSR holds the public key only: the private key's encoding is nowhere in it
    byte[] csrDer = Base64.getMimeDecoder().decode(body.get("csr").asText()
        .replaceAll("-----[A-Z ]+-----", ""));
    assertThat(new String(csrDer, StandardCharsets.ISO_8859_1)).doesNotContain(
        new String(Base64.getDecoder().decode(keyBase64), StandardCharsets.ISO_8859_1).substring(40));
    assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(IdentityFiles.parse(Files.readString(dir.resolve("identity/agent.crt")))
        .getSubjectX500Principal().getName()).isEqualTo("CN=web-1");

    // a second start finds the valid certificate and asks nothing
    identity("pgr_bootstrap").ensure();
    assertThat(seen).hasSize(1);
  }

  @Test
  void renewsAtTwoThirdsWithTheCurrentCertificateAndReloadsTheMaterial() throws Exception {
    AgentIdentity id = identity("pgr_bootstrap");
    id.ensure();
    TlsMaterial material = new TlsMaterial("agent", id.tlsConfig(), new SimpleMeterRegistry());
    id.attach(material);
    String firstSerial = IdentityFiles.parse(Files.readString(dir.resolve("identity/agent.crt")))
        .getSerialNumber().toString(16);

    clock.advance(Duration.ofMinutes(30));
    assertThat(id.checkNow()).isFalse(); // before two thirds: nothing
    assertThat(seen).hasSize(1);

    clock.advance(Duration.ofMinutes(10));
    assertThat(id.checkNow()).isTrue();
    assertThat(seen).hasSize(2);
    Seen renewal = seen.get(1);
    assertThat(renewal.authorization()).isNull();
    assertThat(renewal.clientCn()).isEqualTo("CN=web-1");
    X509Certificate now2 = IdentityFiles.parse(Files.readString(dir.resolve("identity/agent.crt")));
    assertThat(now2.getSerialNumber().toString(16)).isNotEqualTo(firstSerial);
    assertThat(material.checkNow()).isFalse(); // already reloaded by the renewal
  }

  @Test
  void aRefusedFirstEnrolmentStopsTheStartWithHbsReason() {
    answerStatus.set(403);
    assertThatThrownBy(() -> identity("pgr_bootstrap").ensure()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("enrolment of 'web-1'").hasMessageContaining("(403): node 'web-1' is revoked");
    assertThatThrownBy(() -> identity("").ensure()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("agent.identity.bootstrapToken is empty");
  }
}
