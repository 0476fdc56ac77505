package io.peregrine.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.stub.StreamObserver;
import io.peregrine.agent.AgentServer;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.hbs.HbsServer;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real hbs (H2 in a temp dir) changes an agent's checks while both run: strategies on net.port.listen and proc.num
 * added and removed through hbs's admin API reach the agent through its heartbeat and change what it sends to
 * transfer, with no restart.
 */
class AgentChecksFromHbsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOST = "checks-node";

  @TempDir Path dir;
  private HbsServer hbs;
  private GrpcServerHost transferHost;
  private AgentServer agent;
  private final ConcurrentLinkedQueue<Sample> received = new ConcurrentLinkedQueue<>();
  private final HttpClient http = HttpClient.newHttpClient();

  /** Takes every batch and remembers its samples. */
  private final class Recording extends TransferGrpc.TransferImplBase {
    @Override
    public void push(SampleBatch batch, StreamObserver<PushResponse> response) {
      received.addAll(batch.getSamplesList());
      response.onNext(PushResponse.newBuilder().setAccepted(batch.getSamplesCount()).build());
      response.onCompleted();
    }
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (transferHost != null) {
      transferHost.close();
    }
    if (hbs != null) {
      hbs.close();
    }
  }

  private JsonNode post(String path, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hbs.httpPort() + path))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + adminToken()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("POST %s %s -> %s", path, body, r.body()).isLessThan(300);
    return JSON.readTree(r.body());
  }

  private void delete(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hbs.httpPort() + path))
        .header("Authorization", "Bearer " + adminToken()).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("DELETE %s -> %s", path, r.body()).isEqualTo(200);
  }

  /** all-in-one's first admin token, written by hbs at its first start (DataDirs puts it under the data dir). */
  private String adminToken() throws Exception {
    return java.nio.file.Files.readString(dir.resolve("hbs/admin.token")).trim();
  }

  private long strategy(long template, String metric, String tags) throws Exception {
    return post("/api/v1/strategies", "{\"templateId\":" + template + ",\"metric\":\"" + metric + "\",\"tags\":\""
        + tags + "\",\"func\":\"all(#1)\",\"operator\":\"<\",\"rightValue\":\"1\",\"maxStep\":3,\"priority\":1,"
        + "\"note\":\"check\"}").get("id").asLong();
  }

  private List<Sample> samples(String metric, String tags) {
    return received.stream().filter(s -> s.getMetric().equals(metric) && s.getTags().equals(tags)).toList();
  }

  private double latest(String metric, String tags) {
    List<Sample> s = samples(metric, tags);
    return s.isEmpty() ? Double.NaN : s.get(s.size() - 1).getValue();
  }

  @Test
  void checksChangeAtRunTimeAsHbsStrategiesChange() throws Exception {
    PeregrineConfig base = Pipeline.loopbackConfig(dir, HOST, Map.of("hbs.seedDemo", false));
    hbs = new HbsServer(base.hbs(), Clock.systemUTC());
    hbs.start();
    transferHost = new GrpcServerHost("test-transfer", "127.0.0.1:0", 2, List.of(new Recording()));
    transferHost.start();

    long group = post("/api/v1/groups", "{\"name\":\"web\"}").get("id").asLong();
    post("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"" + HOST + "\"]}");
    long template = post("/api/v1/templates", "{\"name\":\"web-checks\"}").get("id").asLong();
    post("/api/v1/groups/" + group + "/templates", "{\"templateId\":" + template + "}");

    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String portTags = "port=" + listener.getLocalPort();
      long portStrategy = strategy(template, "net.port.listen", portTags);

      agent = new AgentServer(new ConfigLoader().with(base, PeregrineConfig.class, Map.of(
          "agent.hbsAddress", "127.0.0.1:" + hbs.grpcPort(),
          "agent.transferAddresses", List.of("127.0.0.1:" + transferHost.port()),
          "agent.checksInterval", "1s",
          "agent.spoolDir", dir.resolve("spool").toString())).agent(), Clock.systemUTC());
      agent.start();

      // the port strategy existed before the agent started: its first heartbeat brings the check
      await().atMost(Duration.ofSeconds(20)).until(() -> latest("net.port.listen", portTags) == 1.0);
      listener.close();
      await().atMost(Duration.ofSeconds(20)).until(() -> latest("net.port.listen", portTags) == 0.0);

      // while both run: a process check is added and the port check removed
      String procTags = "cmdline=surefire";
      strategy(template, "proc.num", procTags);
      delete("/api/v1/strategies/" + portStrategy);
      await().atMost(Duration.ofSeconds(20)).until(() -> agent.hbsConfig().getBuiltinItemsList().stream()
          .noneMatch(i -> i.getMetric().equals("net.port.listen")));
      await().atMost(Duration.ofSeconds(20)).until(() -> latest("proc.num", procTags) >= 1);
      int procRounds = samples("proc.num", procTags).size();
      await().atMost(Duration.ofSeconds(20)).until(() -> samples("proc.num", procTags).size() >= procRounds + 2);
      int portSamples = samples("net.port.listen", portTags).size();
      await().atMost(Duration.ofSeconds(20)).until(() -> samples("proc.num", procTags).size() >= procRounds + 4);
      assertThat(samples("net.port.listen", portTags)).as("the removed check stays removed").hasSize(portSamples);
      assertThat(samples("proc.num", procTags)).allSatisfy(s -> {
        assertThat(s.getEndpoint()).isEqualTo(HOST);
        assertThat(s.getStep()).isEqualTo(1);
      });
    }
  }
}
