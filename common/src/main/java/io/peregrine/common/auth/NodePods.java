package io.peregrine.common.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints of the pods scheduled on a node, from the Kubernetes API ({@code GET /api/v1/pods?fieldSelector=
 * spec.nodeName=N}, the query the API server indexes for the kubelets), named as the agent's pod scraper names them:
 * the {@code endpointLabel} value when a pod has it, else the pod's name. Pods that ended (phase Succeeded or Failed)
 * are left out. Read per node when first asked, kept {@code refresh}, read again early on a miss (an endpoint not in
 * the list: a pod just scheduled) at most once per {@code missRefresh}. A failed read keeps the node's last list
 * (a node never read has none: its pods are refused until the API answers), logged and counted as
 * {@code <component>_node_pods_fetches_total{result}}.
 */
public final class NodePods {
  private static final Logger log = LoggerFactory.getLogger(NodePods.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** A node runs at most 110 pods by default; a list of tens of MB means something is wrong. */
  static final int MAX_BODY = 16 << 20;

  /** One node's list and when it was read ({@code nanos} clock); {@code read} false until a read succeeded. */
  private record Entry(Set<String> endpoints, long fetchedAtNanos, boolean read) {}

  private final NodePodsConfig config;
  private final HttpClient client;
  private final LongSupplier nanos;
  private final Cache<String, Entry> nodes;
  /** Reads of different nodes run in parallel up to this many at once (gRPC's worker threads are fewer). */
  private final Object[] stripes = new Object[64];
  private final Counter ok;
  private final Counter failed;

  public NodePods(String component, NodePodsConfig config, LongSupplier nanos, MeterRegistry registry) {
    this.config = config;
    this.nanos = nanos;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    if (config.apiUrl().startsWith("https://")) {
      b.sslContext(trusting(Path.of(config.caFile())));
    }
    this.client = b.build();
    this.nodes = Caffeine.newBuilder().maximumSize(config.maxNodes()).build();
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Object();
    }
    this.ok = Counter.builder(component + "_node_pods_fetches_total").tag("result", "ok")
        .description("reads of a node's pods from the Kubernetes API (auth.nodePods)").register(registry);
    this.failed = Counter.builder(component + "_node_pods_fetches_total").tag("result", "failed")
        .description("reads of a node's pods from the Kubernetes API (auth.nodePods)").register(registry);
  }

  /**
   * Whether {@code endpoint} is the endpoint of a pod on {@code node}: from the node's list while it is younger than
   * {@code refresh}, else (and on a miss, at most once per {@code missRefresh}) from a new read. May wait for the
   * API server (at most {@link #TIMEOUT}); concurrent askers about one node share one read.
   */
  public boolean onNode(String node, String endpoint) {
    Entry e = current(node, false);
    if (e.endpoints().contains(endpoint)) {
      return true;
    }
    return current(node, true).endpoints().contains(endpoint);
  }

  private Entry current(String node, boolean miss) {
    Entry e = nodes.getIfPresent(node);
    if (e != null && fresh(e, miss)) {
      return e;
    }
    // one read per node at a time, under a lock of its stripe (not inside the cache's compute, which would hold
    // a map bin for the length of an HTTP call): callers that waited see the read another caller just made
    synchronized (stripes[Math.floorMod(node.hashCode(), stripes.length)]) {
      Entry old = nodes.getIfPresent(node);
      if (old != null && fresh(old, miss)) {
        return old;
      }
      Entry next = read(node, old);
      nodes.put(node, next);
      return next;
    }
  }

  private boolean fresh(Entry e, boolean miss) {
    long age = nanos.getAsLong() - e.fetchedAtNanos();
    // a node whose list could never be read is asked again no more often than on a miss
    return age < (miss || !e.read() ? config.missRefresh() : config.refresh()).toNanos();
  }

  private Entry read(String node, Entry old) {
    long at = nanos.getAsLong();
    try {
      Set<String> endpoints = fetch(node);
      ok.increment();
      return new Entry(endpoints, at, true);
    } catch (IOException e) {
      failed.increment();
      log.warn("cannot read the pods of node '{}' from {} (its last list stays in force: {} endpoint(s)): {}", node,
          config.apiUrl(), old == null ? 0 : old.endpoints().size(), e.getMessage());
      return new Entry(old == null ? Set.of() : old.endpoints(), at, old != null && old.read());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return old != null ? old : new Entry(Set.of(), at, false);
    }
  }

  private Set<String> fetch(String node) throws IOException, InterruptedException {
    URI uri = URI.create(config.apiUrl() + "/api/v1/pods?fieldSelector="
        + URLEncoder.encode("spec.nodeName=" + node, StandardCharsets.UTF_8));
    String token = Files.readString(Path.of(config.tokenFile())).trim();
    HttpResponse<InputStream> answer = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = answer.body()) {
      if (answer.statusCode() != 200) {
        throw new IOException(uri + " answered HTTP " + answer.statusCode() + (answer.statusCode() == 401
            || answer.statusCode() == 403 ? " (transfer's service account needs list on pods: its ClusterRole)" : ""));
      }
      byte[] bytes = body.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw new IOException(uri + " answered more than " + MAX_BODY + " bytes");
      }
      return endpoints(JSON.readTree(bytes), config.endpointLabel());
    }
  }

  /** The endpoints of a PodList's running or pending pods, by the scraper's rule. */
  static Set<String> endpoints(JsonNode podList, String endpointLabel) throws IOException {
    JsonNode items = podList.path("items");
    if (!items.isArray()) {
      throw new IOException("the answer is not a PodList (no 'items' array)");
    }
    Set<String> out = new HashSet<>();
    for (JsonNode pod : items) {
      String phase = pod.path("status").path("phase").asText("");
      if (phase.equals("Succeeded") || phase.equals("Failed")) {
        continue;
      }
      String label = endpointLabel.isEmpty() ? "" : pod.path("metadata").path("labels").path(endpointLabel)
          .asText("");
      String name = pod.path("metadata").path("name").asText("");
      String endpoint = label.isBlank() ? name : label;
      if (!endpoint.isEmpty()) {
        out.add(endpoint);
      }
    }
    return Set.copyOf(out);
  }

  private static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new IllegalArgumentException("auth.nodePods.caFile " + caFile + " holds no PEM certificate");
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("auth.nodePods.caFile " + caFile + " cannot be read: " + e, e);
    }
  }
}
