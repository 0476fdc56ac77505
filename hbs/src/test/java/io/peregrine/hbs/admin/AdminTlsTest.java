package io.peregrine.hbs.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.peregrine.common.testing.Closer;
import io.peregrine.common.testing.TestCertificates;
import io.peregrine.common.tls.ClientAuth;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Jetty TLS connector the admin port uses, on a bare Javalin app over real TLS on loopback. */
class AdminTlsTest {
  @TempDir Path dir;
  private final Closer closer = new Closer();

  @AfterEach
  void close() throws Exception {
    closer.close();
  }

  private int start(TlsMaterial tls) {
    Javalin app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      AdminTls.configure(cfg.jetty, tls, "127.0.0.1:0");
    }).get("/health", ctx -> ctx.result("up"));
    closer.later(app::stop);
    app.start("127.0.0.1", 0);
    return app.port();
  }

  private int get(String scheme, int port, TlsConfig client) throws Exception {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (client != null) {
      b.sslContext(TlsContexts.jdkClient(closer.later(new TlsMaterial("client", client, null))));
    }
    return b.build().send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/health"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void requiredClientCertificatesOverHttpsAndRotationWithoutRestart() throws Exception {
    TestCertificates.Ca ca = TestCertificates.newCa("admin-ca");
    Path caFile = ca.writeTo(dir, "ca.crt");
    TestCertificates.Files2 server = ca.issue("hbs").writeTo(dir, "server");
    TestCertificates.Files2 client = ca.issue("admin").writeTo(dir, "client");
    TlsMaterial tls = closer.later(new TlsMaterial("hbs", TlsConfig.server(server.cert().toString(),
        server.key().toString(), caFile.toString(), ClientAuth.REQUIRE), null));
    int port = start(tls);
    TlsConfig withCert = TlsConfig.client(caFile.toString(), client.cert().toString(), client.key().toString());

    assertThat(get("https", port, withCert)).isEqualTo(200);
    assertThatThrownBy(() -> get("https", port, TlsConfig.client(caFile.toString(), "", "")))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get("http", port, null)).isInstanceOf(IOException.class);

    // a new CA signs both sides; the server's files are rewritten in place
    TestCertificates.Ca next = TestCertificates.newCa("admin-ca-2");
    TestCertificates.atomicWrite(caFile, TestCertificates.certPem(next.cert()));
    next.issue("hbs").writeTo(dir, "server");
    next.issue("admin").writeTo(dir, "client");
    assertThat(tls.checkNow()).isTrue();
    assertThat(get("https", port, withCert)).as("a client of the new CA is served").isEqualTo(200);
  }

  @Test
  void plaintextWhenTlsIsOff() throws Exception {
    int port = start(TlsMaterial.plaintext("hbs"));
    assertThat(get("http", port, null)).isEqualTo(200);
  }
}
