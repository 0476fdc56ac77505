package io.peregrine.agent.container;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A loopback HTTPS "kubelet" serving {@code /pods} with the test certificate (resources kubelet/), answering 401
 * unless the bearer token is the expected one. Port 0, the bound port read back.
 */
final class TestKubelet implements AutoCloseable {
  static final String TOKEN = "test-token-123";

  final AtomicReference<String> body = new AtomicReference<>("{\"items\":[]}");
  final AtomicInteger requests = new AtomicInteger();
  private final HttpsServer server;

  TestKubelet() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = TestKubelet.class.getResourceAsStream("/kubelet/server.p12")) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/pods", exchange -> {
      requests.incrementAndGet();
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      byte[] out;
      int status;
      if (!("Bearer " + TOKEN).equals(auth)) {
        status = 401;
        out = "Unauthorized".getBytes(StandardCharsets.UTF_8);
      } else {
        status = 200;
        out = body.get().getBytes(StandardCharsets.UTF_8);
      }
      exchange.sendResponseHeaders(status, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.start();
  }

  String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  static Path resource(String name) throws Exception {
    return Path.of(TestKubelet.class.getResource(name).toURI());
  }

  static String fixturePods() throws Exception {
    return Files.readString(resource("/kubelet/pods.json"));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
