package io.peregrine.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.server.HttpServerHost;
import io.peregrine.common.server.SelfMetrics;
import io.peregrine.common.testing.Closer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HttpServerHost over real TLS on loopback, called by the JDK's HTTP client. */
class HttpsTest {
  @TempDir Path dir;
  private final Closer closer = new Closer();
  private TlsFixture pki;

  @BeforeEach
  void pki() throws Exception {
    pki = new TlsFixture(dir);
  }

  @AfterEach
  void close() throws Exception {
    closer.close();
  }

  private HttpServerHost server(TlsMaterial tls) throws Exception {
    HttpServerHost host = closer.later(new HttpServerHost("demo-http", "127.0.0.1:0", 2,
        SelfMetrics.newRegistry("demo"), new HealthChecks(), tls));
    host.start();
    return host;
  }

  private HttpServerHost server(TlsConfig config) throws Exception {
    return server(closer.later(new TlsMaterial("demo", config, null)));
  }

  /** A new client each time: its own context, so every call is a full handshake. */
  private int get(String scheme, HttpServerHost server, TlsConfig client) throws Exception {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (client.client()) {
      b.sslContext(TlsContexts.jdkClient(closer.later(new TlsMaterial("client", client, null))));
    }
    HttpResponse<String> r = b.build().send(HttpRequest.newBuilder(
            URI.create(scheme + "://127.0.0.1:" + server.port() + "/health")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }

  @Test
  void healthAnswersOverHttps() throws Exception {
    HttpServerHost server = server(pki.serverConfig(ClientAuth.NONE));
    assertThat(server.tls()).isTrue();
    assertThat(get("https", server, pki.clientWithoutCert())).isEqualTo(200);
  }

  @Test
  void plainHttpToAnHttpsListenerFails() throws Exception {
    HttpServerHost server = server(pki.serverConfig(ClientAuth.NONE));
    assertThatThrownBy(() -> get("http", server, TlsConfig.off())).isInstanceOf(IOException.class);
  }

  @Test
  void requiredClientAuthRefusesAClientWithoutACertificateAndAcceptsOneOfTheCa() throws Exception {
    HttpServerHost server = server(pki.serverConfig(ClientAuth.REQUIRE));
    assertThatThrownBy(() -> get("https", server, pki.clientWithoutCert())).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get("https", server, pki.clientOfOtherCa())).isInstanceOf(IOException.class);
    assertThat(get("https", server, pki.clientWithCert())).isEqualTo(200);
  }

  @Test
  void httpClientAuthGivesHttpListenersTheirOwnRule() throws Exception {
    HttpServerHost server = server(pki.serverConfig(ClientAuth.REQUIRE).withHttpClientAuth(ClientAuth.OPTIONAL));
    assertThat(get("https", server, pki.clientWithoutCert())).as("a probe without a certificate").isEqualTo(200);
    assertThat(get("https", server, pki.clientWithCert())).isEqualTo(200);
  }

  @Test
  void rotatedCertificateIsServedOnTheNextHandshakeWithoutRestart() throws Exception {
    TlsMaterial tls = closer.later(new TlsMaterial("demo", pki.serverConfig(ClientAuth.NONE), null));
    HttpServerHost server = server(tls);
    assertThat(TlsFixture.servedSerial(server.port(), null)).isEqualTo(pki.server.serial());
    BigInteger second = pki.rotateServer().serial();
    assertThat(tls.checkNow()).isTrue();
    assertThat(TlsFixture.servedSerial(server.port(), null)).isEqualTo(second);
    assertThat(get("https", server, pki.clientWithoutCert())).isEqualTo(200);
  }
}
