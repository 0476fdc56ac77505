package io.peregrine.agent.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The pods on this node, from the kubelet's {@code /pods} (the kubelet authorizes it as {@code nodes/proxy}), with the
 * service-account token as bearer token and the kubelet's certificate checked against the CA file. The answer is
 * cached for {@code ttl}; {@link #pods(boolean)} with {@code miss=true} (a container id the cache does not know)
 * refreshes early, at most once per {@link ContainerConfig#MIN_REFRESH}. A failed call keeps the last good answer.
 */
public final class KubeletPods {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** /pods of a full node (110 pods) is a few hundred KB; 32 MiB means something is wrong. */
  private static final long MAX_BODY = 32L * 1024 * 1024;

  private final URI uri;
  private final Path tokenFile;
  private final HttpClient client;
  private final Duration ttl;
  private final LongSupplier nanos;
  private List<PodInfo> cached = List.of();
  private long fetchedAt;
  private boolean fetched;
  private String lastError = "";

  public KubeletPods(String baseUrl, Path tokenFile, SSLContext tls, Duration ttl, LongSupplier nanos) {
    this.uri = URI.create(baseUrl.replaceAll("/+$", "") + "/pods");
    this.tokenFile = tokenFile;
    this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(2)).build();
    this.ttl = ttl;
    this.nanos = nanos;
  }

  /** An SSL context trusting the certificates of a PEM file (the service account's ca.crt). */
  public static SSLContext trusting(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new GeneralSecurityException("no certificate in " + caFile);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /**
   * An SSL context accepting any certificate (agent.containers.kubeletInsecureSkipVerify): an extended trust manager,
   * so the HTTP client does not check the host name either.
   */
  public static SSLContext trustingAny() throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new javax.net.ssl.TrustManager[] {new AnyCertificate()}, null);
    return ctx;
  }

  private static final class AnyCertificate extends javax.net.ssl.X509ExtendedTrustManager {
    @Override public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {}
    @Override public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s) {}
    @Override public void checkClientTrusted(X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}
    @Override public void checkServerTrusted(X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}
    @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
    @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
    @Override public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /**
   * The cached pods, refreshed when older than the TTL, or when {@code miss} and the last refresh is older than
   * {@link ContainerConfig#MIN_REFRESH}.
   *
   * @throws IOException when the kubelet cannot be asked and there is no earlier answer
   */
  public List<PodInfo> pods(boolean miss) throws IOException {
    long age = nanos.getAsLong() - fetchedAt;
    boolean due = !fetched || age >= ttl.toNanos() || miss && age >= ContainerConfig.MIN_REFRESH.toNanos();
    if (due) {
      fetchedAt = nanos.getAsLong();
      try {
        cached = fetch();
        fetched = true;
        lastError = "";
      } catch (IOException e) {
        lastError = e.getMessage();
        if (!fetched) {
          throw e;
        }
      }
    }
    return cached;
  }

  /** Why the last refresh failed, "" when it worked. */
  public String lastError() {
    return lastError;
  }

  private List<PodInfo> fetch() throws IOException {
    String token = Files.readString(tokenFile).trim();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
        .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted asking " + uri);
    }
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException(uri + " answered HTTP " + response.statusCode()
            + (response.statusCode() == 401 || response.statusCode() == 403
                ? " (token refused: the agent's service account needs get on nodes/proxy)" : ""));
      }
      byte[] bytes = body.readNBytes((int) MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw new IOException(uri + " answered more than " + MAX_BODY + " bytes");
      }
      return parse(JSON.readTree(bytes));
    }
  }

  /** A PodList; items that are not objects or have no uid are skipped. */
  static List<PodInfo> parse(JsonNode list) throws IOException {
    JsonNode items = list.path("items");
    if (!items.isArray()) {
      throw new IOException("/pods answer has no items array");
    }
    List<PodInfo> out = new ArrayList<>();
    for (JsonNode pod : items) {
      JsonNode meta = pod.path("metadata");
      String uid = meta.path("uid").asText("");
      if (uid.isEmpty()) {
        continue;
      }
      Map<String, String> containers = new HashMap<>();
      for (String field : List.of("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")) {
        for (JsonNode c : pod.path("status").path(field)) {
          String id = c.path("containerID").asText("");
          int scheme = id.indexOf("://");
          if (scheme >= 0) {
            containers.put(id.substring(scheme + 3), c.path("name").asText(""));
          }
        }
      }
      List<Integer> ports = new ArrayList<>();
      for (JsonNode c : pod.path("spec").path("containers")) {
        for (JsonNode p : c.path("ports")) {
          if (p.path("protocol").asText("TCP").equals("TCP") && p.path("containerPort").canConvertToInt()) {
            ports.add(p.path("containerPort").asInt());
          }
        }
      }
      out.add(new PodInfo(uid, meta.path("namespace").asText(""), meta.path("name").asText(""),
          pod.path("spec").path("hostNetwork").asBoolean(false), pod.path("status").path("phase").asText(""),
          pod.path("status").path("podIP").asText(""), strings(meta.path("labels")),
          strings(meta.path("annotations")), containers, ports));
    }
    return out;
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText("")));
    return out;
  }
}
