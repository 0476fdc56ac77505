package io.peregrine.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.server.HealthChecks;
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

/** The Netty push listener with the TLS hook, over real TLS on loopback. */
class NettyHttpsTest {
  @TempDir Path dir;
  private final Closer closer = new Closer();

  @AfterEach
  void close() throws Exception {
    closer.close();
  }

  private HttpResponse<String> post(String scheme, int port, TlsConfig client) throws Exception {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (client != null) {
      b.sslContext(TlsContexts.jdkClient(closer.later(new TlsMaterial("client", client, null))));
    }
    return b.build().send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/echo"))
        .POST(HttpRequest.BodyPublishers.ofString("[]")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void mutualTlsOnThePushListener() throws Exception {
    TestCertificates.Ca ca = TestCertificates.newCa("push-ca");
    Path caFile = ca.writeTo(dir, "ca.crt");
    TestCertificates.Files2 server = ca.issue("transfer").writeTo(dir, "server");
    TestCertificates.Files2 client = ca.issue("pusher").writeTo(dir, "client");
    TlsMaterial tls = closer.later(new TlsMaterial("transfer", TlsConfig.server(server.cert().toString(),
        server.key().toString(), caFile.toString(), ClientAuth.REQUIRE), null));
    NettyHttpServer http = closer.later(new NettyHttpServer("test-http", "127.0.0.1:0", 1, 1 << 16, 1 << 20,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new HealthChecks())
        .route("/echo", call -> HttpAnswer.json(200, "{\"length\":" + call.length() + "}"))
        .tls(TlsContexts.nettyHttpServer(tls)));
    http.start();

    HttpResponse<String> ok = post("https", http.port(),
        TlsConfig.client(caFile.toString(), client.cert().toString(), client.key().toString()));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("{\"length\":2}");
    assertThatThrownBy(() -> post("https", http.port(), TlsConfig.client(caFile.toString(), "", "")))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> post("http", http.port(), null)).isInstanceOf(IOException.class);
  }
}
