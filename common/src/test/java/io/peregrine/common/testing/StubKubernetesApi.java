package io.peregrine.common.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.peregrine.common.tls.ClientAuth;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Kubernetes API's pod list, for tests: a real HTTPS server on loopback (port 0, a certificate of its own CA,
 * written as {@code k8s-ca.crt}) that answers {@code GET /api/v1/pods?fieldSelector=spec.nodeName=N} with the pods
 * {@link #schedule} put on N, to a bearer token equal to the one in {@code token} ({@code k8s-token}); 401 otherwise.
 * Counts the list calls per node.
 */
public final class StubKubernetesApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A pod as the stub lists it. */
  public record Pod(String name, String node, Map<String, String> labels, String phase) {}

  private final HttpsServer server;
  private final TlsMaterial tls;
  private final Path caFile;
  private final Path tokenFile;
  private final List<Pod> pods = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> lists = new ConcurrentHashMap<>();
  private final AtomicInteger unauthorized = new AtomicInteger();

  public StubKubernetesApi(Path dir) throws IOException {
    TestCertificates.Ca ca = TestCertificates.newCa("kubernetes stub CA");
    caFile = ca.writeTo(dir, "k8s-ca.crt");
    TestCertificates.Files2 pair = ca.issue("kubernetes.default.svc").writeTo(dir, "k8s-api");
    tokenFile = dir.resolve("k8s-token");
    Files.writeString(tokenFile, "sa-token-" + System.nanoTime() + "\n");
    tls = new TlsMaterial("k8s-stub", TlsConfig.server(pair.cert().toString(), pair.key().toString(), "",
        ClientAuth.NONE), null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(TlsContexts.jdkServer(tls)));
    server.createContext("/api/v1/pods", this::list);
    server.start();
  }

  public String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  public Path caFile() {
    return caFile;
  }

  public Path tokenFile() {
    return tokenFile;
  }

  /** Puts a running pod named {@code name} on {@code node}. */
  public void schedule(String name, String node) {
    schedule(new Pod(name, node, Map.of(), "Running"));
  }

  public void schedule(Pod pod) {
    pods.add(pod);
  }

  /** Takes pod {@code name} off its node (deleted, or moved: schedule it again elsewhere). */
  public void remove(String name) {
    pods.removeIf(p -> p.name().equals(name));
  }

  /** How many times node {@code node}'s pods were listed. */
  public int lists(String node) {
    AtomicInteger n = lists.get(node);
    return n == null ? 0 : n.get();
  }

  public int unauthorized() {
    return unauthorized.get();
  }

  private void list(HttpExchange ex) throws IOException {
    try (ex) {
      String expected = "Bearer " + Files.readString(tokenFile).trim();
      if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        unauthorized.incrementAndGet();
        answer(ex, 401, "{\"kind\":\"Status\",\"code\":401,\"reason\":\"Unauthorized\"}");
        return;
      }
      String query = ex.getRequestURI().getRawQuery();
      String prefix = "fieldSelector=";
      if (!ex.getRequestMethod().equals("GET") || query == null || !query.startsWith(prefix)) {
        answer(ex, 400, "{\"kind\":\"Status\",\"code\":400}");
        return;
      }
      String selector = URLDecoder.decode(query.substring(prefix.length()), StandardCharsets.UTF_8);
      String node = selector.startsWith("spec.nodeName=") ? selector.substring("spec.nodeName=".length()) : null;
      lists.computeIfAbsent(String.valueOf(node), k -> new AtomicInteger()).incrementAndGet();
      ObjectNode list = JSON.createObjectNode().put("kind", "PodList").put("apiVersion", "v1");
      ArrayNode items = list.putArray("items");
      for (Pod p : pods) {
        if (node == null || p.node().equals(node)) {
          ObjectNode item = items.addObject();
          ObjectNode meta = item.putObject("metadata").put("name", p.name()).put("namespace", "default");
          ObjectNode labels = meta.putObject("labels");
          p.labels().forEach(labels::put);
          item.putObject("spec").put("nodeName", p.node());
          item.putObject("status").put("phase", p.phase());
        }
      }
      answer(ex, 200, list.toString());
    }
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    tls.close();
  }
}
