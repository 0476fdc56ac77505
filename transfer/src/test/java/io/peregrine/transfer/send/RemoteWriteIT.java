package io.peregrine.transfer.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import io.peregrine.transfer.TransferConfig;
import io.peregrine.transfer.TransferServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote write into a real Prometheus (Debian's 2.42, {@code /usr/bin/prometheus}; {@code .ci/run} installs it),
 * read back through {@code /api/v1/query}.
 *
 * <p>Prometheus cannot listen on port 0 and report the port, and picking a free port first then letting Prometheus
 * bind it races with other processes. Instead the test lets Prometheus bind a loopback address nobody else uses: all
 * of 127.0.0.0/8 is loopback on Linux, so each attempt draws a random 127.x.y.z and Prometheus binds
 * {@code 127.x.y.z:9090} itself. If that bind fails (something listens on 9090 of every address), the process exits
 * and the test draws another address: the bind is Prometheus' own, never a check followed by a bind.
 */
class RemoteWriteIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private Process prometheus;
  private TransferServer transfer;
  private ManagedChannel channel;

  @TempDir
  Path dir;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    if (transfer != null) {
      transfer.close();
    }
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
  }

  private String startPrometheus() throws Exception {
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, "global:\n  scrape_interval: 1h\n");
    for (int attempt = 0; attempt < 5; attempt++) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      String address = "127." + r.nextInt(1, 255) + "." + r.nextInt(0, 256) + "." + r.nextInt(1, 255) + ":9090";
      Path log = dir.resolve("prometheus-" + attempt + ".log");
      Process p = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + config,
          "--storage.tsdb.path=" + dir.resolve("data-" + attempt), "--web.listen-address=" + address,
          "--web.enable-remote-write-receiver").redirectErrorStream(true).redirectOutput(log.toFile()).start();
      String base = "http://" + address;
      boolean ready = false;
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive() || ok(base + "/-/ready"));
        ready = p.isAlive();
      } finally {
        if (!ready) {
          p.destroyForcibly();
        }
      }
      if (ready) {
        prometheus = p;
        return base;
      }
    }
    throw new IllegalStateException("Prometheus did not start on any of 5 loopback addresses; see " + dir);
  }

  private boolean ok(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private JsonNode query(String base, String promql, long time) throws Exception {
    String url = base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + time;
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("data").path("result");
  }

  @Test
  void samplesArriveInPrometheusWithMappedNamesAndTagsAsLabels() throws Exception {
    String base = startPrometheus();
    TransferConfig config = TransferConfig.defaults().withListen("127.0.0.1:0", "127.0.0.1:0")
        .withJsonRpc("", 4, Duration.ofSeconds(10))
        .withNodes(List.of(), List.of()).withQueue(dir.resolve("queue").toString(), 1 << 20, 16L << 20)
        .withRemoteWrite(List.of(base + "/api/v1/write"));
    transfer = new TransferServer(config, Clock.systemUTC());
    transfer.start();
    channel = GrpcChannels.forAddress("127.0.0.1:" + transfer.grpcPort());
    long now = System.currentTimeMillis() / 1000 - 5;
    SampleBatch batch = SampleBatch.newBuilder()
        .addSamples(TestSamples.gauge("host-a", "cpu.idle", "core=0,zone=eu-1", 42.5, now))
        .addSamples(TestSamples.gauge("host-b", "disk.io.read-bytes", "device=sda", 1024, now))
        .build();
    assertThat(TransferGrpc.newBlockingStub(channel).push(batch).getAccepted()).isEqualTo(2);

    await().atMost(Duration.ofSeconds(30)).until(() -> query(base, "cpu_idle", now).size() == 1);
    JsonNode cpu = query(base, "cpu_idle", now).get(0);
    assertThat(cpu.path("metric").path("endpoint").asText()).isEqualTo("host-a");
    assertThat(cpu.path("metric").path("core").asText()).isEqualTo("0");
    assertThat(cpu.path("metric").path("zone").asText()).isEqualTo("eu-1");
    assertThat(cpu.path("value").get(1).asDouble()).isEqualTo(42.5);
    await().atMost(Duration.ofSeconds(30)).until(() -> query(base, "disk_io_read_bytes{device=\"sda\"}", now)
        .size() == 1);
    assertThat(query(base, "disk_io_read_bytes", now).get(0).path("value").get(1).asDouble()).isEqualTo(1024);
  }

  @Test
  void aBatchPrometheusRefusesWith4xxIsNotRetriedAndIsCounted() throws Exception {
    String base = startPrometheus();
    TransferConfig config = TransferConfig.defaults().withListen("127.0.0.1:0", "127.0.0.1:0")
        .withJsonRpc("", 4, Duration.ofSeconds(10))
        .withNodes(List.of(), List.of()).withQueue("", 1 << 20, 0)
        .withRemoteWrite(List.of(base + "/api/v1/write"));
    transfer = new TransferServer(config, Clock.systemUTC());
    transfer.start();
    channel = GrpcChannels.forAddress("127.0.0.1:" + transfer.grpcPort());
    TransferGrpc.TransferBlockingStub stub = TransferGrpc.newBlockingStub(channel);
    long now = System.currentTimeMillis() / 1000 - 5;
    stub.push(SampleBatch.newBuilder().addSamples(TestSamples.gauge("h", "temp", "", 1, now)).build());
    await().atMost(Duration.ofSeconds(30)).until(() -> query(base, "temp", now).size() == 1);

    // an older point of the same series: Prometheus answers 400 (out of order); transfer must drop it, counted
    stub.push(SampleBatch.newBuilder().addSamples(TestSamples.gauge("h", "temp", "", 2, now - 600)).build());
    await().atMost(Duration.ofSeconds(30)).until(() -> transfer.registry().scrape()
        .matches("(?s).*transfer_dropped_samples_total\\{[^}]*reason=\"http_400\"[^}]*\\} 1\\.0.*"));
    assertThat(query(base, "temp", now).get(0).path("value").get(1).asDouble()).isEqualTo(1);
  }
}
