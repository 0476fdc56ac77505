package io.peregrine.hbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.proto.v1.AgentConfig;
import io.peregrine.proto.v1.AgentHeartbeat;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.HostStrategies;
import io.peregrine.proto.v1.StrategiesRequest;
import io.peregrine.proto.v1.StrategySet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/** A started hbs on loopback ports with a gRPC stub and a small JSON HTTP client. */
final class HbsHarness implements AutoCloseable {
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  final HbsServer server;
  final HbsGrpc.HbsBlockingStub hbs;
  private final ManagedChannel channel;
  private final HttpClient http = HttpClient.newHttpClient();
  static final String ADMIN_PASSWORD = "harness-admin-secret";
  /** The admin's session token (null when the admin's password is not the one the harness knows). */
  final String adminToken;
  /** What {@link #send} puts in {@code Authorization: Bearer}; null sends none. */
  volatile String token;

  /** @param body the answer's text; {@code json} is it parsed, or a null node when it is not JSON (YAML) */
  record Response(int status, JsonNode json, java.net.http.HttpHeaders headers, String body) {
    long id() {
      return json.get("id").asLong();
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /**
   * @param refresh long in most tests, so that what a test sees was rebuilt because a write asked for it (or
   *     because the test called refreshNow), never by the timer
   */
  static HbsConfig config(TestDatabase db, boolean seedDemo, String defaultGroup, Duration refresh) {
    return new HbsConfig("127.0.0.1:0", "127.0.0.1:0", db.url(), db.user(), db.password(), 4, refresh, seedDemo,
        defaultGroup, List.of("10.0.0.9"), 2, "", "", "", TlsConfig.off(), null, null, null, null, null);
  }

  static HbsConfig config(TestDatabase db) {
    return config(db, false, "", Duration.ofHours(1));
  }

  HbsHarness(HbsConfig config) throws Exception {
    this(config, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /**
   * Starts hbs; when the config gives no first-admin password, {@link #ADMIN_PASSWORD}. Then signs in as the admin
   * (a real login), so every request the harness sends carries an admin session unless a test asks otherwise.
   */
  HbsHarness(HbsConfig config, Clock clock) throws Exception {
    HbsConfig c = config.adminPassword().isEmpty() ? config.withAdmin(ADMIN_PASSWORD, config.adminTokenFile())
        : config;
    server = new HbsServer(c, clock);
    try {
      server.start();
    } catch (Exception e) {
      server.close();
      throw e;
    }
    channel = GrpcChannels.forAddress("127.0.0.1:" + server.grpcPort());
    hbs = HbsGrpc.newBlockingStub(channel);
    Response login = as(null, "POST", "/api/v1/auth/login",
        "{\"name\":\"admin\",\"password\":\"" + c.adminPassword() + "\"}");
    adminToken = login.status() == 200 ? login.json().get("token").asText() : null;
    token = adminToken;
  }

  AgentConfig heartbeat(String hostname, String ip) {
    return hbs.heartbeat(AgentHeartbeat.newBuilder().setHostname(hostname).setIp(ip).setAgentVersion("1.2.3")
        .setPluginVersion("plugins-abc").build());
  }

  io.peregrine.proto.v1.HostLiveness liveness() {
    return hbs.getHostLiveness(io.peregrine.proto.v1.HostLivenessRequest.getDefaultInstance());
  }

  StrategySet strategies(long knownVersion) {
    return hbs.getStrategies(StrategiesRequest.newBuilder().setKnownVersion(knownVersion).build());
  }

  Optional<HostStrategies> host(StrategySet set, String hostname) {
    return set.getHostsList().stream().filter(h -> h.getHostname().equals(hostname)).findFirst();
  }

  Response get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  Response post(String path, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Response put(String path, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  Response patch(String path, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Any method, body (null for none) and content type (null for none). */
  Response request(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  Response delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  String text(String path) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** POST that must succeed with 201; returns the created id. */
  long create(String path, String json) throws IOException, InterruptedException {
    Response r = post(path, json);
    if (r.status() != 201) {
      throw new AssertionError("POST " + path + " " + json + " answered " + r.status() + " " + r.json());
    }
    return r.id();
  }

  /** POST that must succeed with 200. */
  JsonNode ok(String path, String json) throws IOException, InterruptedException {
    Response r = post(path, json);
    if (r.status() != 200) {
      throw new AssertionError("POST " + path + " " + json + " answered " + r.status() + " " + r.json());
    }
    return r.json();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.httpPort() + path);
  }

  /** Any method and body (null for none) with {@code bearer} as the token (null for none). */
  Response as(String bearer, String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return send(b, bearer);
  }

  private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return send(request, token);
  }

  private Response send(HttpRequest.Builder request, String bearer) throws IOException, InterruptedException {
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body;
    try {
      body = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      body = JSON.nullNode(); // a YAML export
    }
    return new Response(r.statusCode(), body, r.headers(), r.body());
  }

  @Override
  public void close() {
    GrpcChannels.close(channel);
    server.close();
  }
}
