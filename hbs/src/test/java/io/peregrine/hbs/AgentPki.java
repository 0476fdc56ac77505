package io.peregrine.hbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.testing.TestCertificates;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** What the agent-identity tests need: a movable clock, CSRs, and HTTPS clients with or without a certificate. */
final class AgentPki {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AgentPki() {}

  /** A key pair and its PEM request. */
  record Csr(KeyPair keys, String pem) {}

  static Csr csr(String cn) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())).getEncoded();
    return new Csr(keys, TestCertificates.pem("CERTIFICATE REQUEST", der));
  }

  record Answer(int status, JsonNode json) {
    X509Certificate certificate() throws Exception {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
          new ByteArrayInputStream(json.get("certificate").asText().getBytes(StandardCharsets.US_ASCII)));
    }

    String error() {
      return json.path("error").asText();
    }
  }

  /** An HTTPS client trusting {@code ca}, presenting {@code cert}/{@code key} when given. */
  static HttpClient client(Path ca, Path cert, Path key) {
    TlsMaterial m = new TlsMaterial("test-client", TlsConfig.client(ca.toString(),
        cert == null ? "" : cert.toString(), key == null ? "" : key.toString()), null);
    return HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(m)).connectTimeout(Duration.ofSeconds(5)).build();
  }

  static Answer send(HttpClient client, int port, String method, String path, String bearer, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json;
    try {
      json = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      json = JSON.getNodeFactory().textNode(r.body());
    }
    return new Answer(r.statusCode(), json);
  }

  static String enrollBody(String node, String csr) throws Exception {
    return JSON.writeValueAsString(java.util.Map.of("node", node, "csr", csr));
  }

  /** Writes an answered certificate and its key as {@code <name>.crt}/{@code <name>.key}. */
  static TestCertificates.Files2 write(Path dir, String name, Answer a, KeyPair keys) throws Exception {
    Path crt = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    Files.writeString(key, TestCertificates.pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    Files.writeString(crt, a.json().get("certificate").asText());
    return new TestCertificates.Files2(crt, key);
  }
}
