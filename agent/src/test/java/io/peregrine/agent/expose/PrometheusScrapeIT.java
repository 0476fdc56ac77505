package io.peregrine.agent.expose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.agent.AgentConfig;
import io.peregrine.agent.AgentServer;
import io.peregrine.common.config.ConfigLoader;
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
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's 2.42, {@code /usr/bin/prometheus}; .ci/run installs it) scrapes the agent's
 * /metrics/host, and its query API returns the agent's series with their labels and types.
 *
 * <p>Prometheus cannot listen on port 0 and report the port back, and picking a free port, releasing it and
 * handing it to Prometheus races with every other test on the machine. Instead each run takes a loopback address of
 * its own, 127.a.b.c with random a, b, c (the whole 127/8 is loopback on Linux), on a fixed port: two runs collide
 * only if they draw the same address, and then Prometheus fails to bind, exits, and the run draws again.
 */
class PrometheusScrapeIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final int PORT = 9090;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private AgentServer agent;
  private Process prometheus;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
    if (agent != null) {
      agent.close();
    }
  }

  /** Starts Prometheus on a loopback address of this run's own; draws another one if that one is taken. */
  private String startPrometheus(int agentPort) throws Exception {
    Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
        + "scrape_configs:\n  - job_name: peregrine-agent\n    metrics_path: /metrics/host\n"
        + "    static_configs:\n      - targets: ['127.0.0.1:" + agentPort + "']\n");
    for (int attempt = 1; attempt <= 5; attempt++) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      String host = "127." + r.nextInt(1, 255) + "." + r.nextInt(0, 256) + "." + r.nextInt(1, 255);
      prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("data-" + attempt), "--web.listen-address=" + host + ":" + PORT)
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus-" + attempt + ".log").toFile()).start();
      String base = "http://" + host + ":" + PORT;
      await().atMost(Duration.ofSeconds(30)).until(() -> !prometheus.isAlive() || ready(base));
      if (prometheus.isAlive()) {
        return base;
      }
      // exited: most likely the address was taken ("bind: address already in use"); draw another
    }
    throw new AssertionError("Prometheus did not start; see " + dir.resolve("prometheus-5.log") + ": "
        + Files.readString(dir.resolve("prometheus-5.log")));
  }

  private boolean ready(String base) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private JsonNode query(String base, String promql) throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body();
    return JSON.readTree(body).path("data").path("result");
  }

  @Test
  void prometheusScrapesTheHostMetricsWithTheirLabelsAndTypes() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(PROMETHEUS),
        "needs Debian's prometheus package (.ci/run installs it)");
    AgentConfig config = new ConfigLoader().with(new Root(AgentConfig.defaults()), Root.class, Map.of(
        "agent.hostname", "scraped-node",
        "agent.listen", "127.0.0.1:0",
        "agent.hbsAddress", "",
        "agent.collectInterval", "1s",
        "agent.transferAddresses", List.of("127.0.0.1:1"),
        "agent.spoolDir", dir.resolve("spool").toString())).agent();
    agent = new AgentServer(config, Clock.systemUTC());
    agent.start();
    String base = startPrometheus(agent.httpPort());

    await().atMost(Duration.ofSeconds(30)).until(() -> query(base, "up{job=\"peregrine-agent\"} == 1").size() == 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> query(base, "cpu_idle").size() == 1);
    JsonNode cpu = query(base, "cpu_idle").get(0);
    assertThat(cpu.path("metric").path("endpoint").asText()).isEqualTo("scraped-node");
    assertThat(cpu.path("value").get(1).asDouble()).isBetween(0.0, 100.0);
    assertThat(query(base, "mem_memtotal").get(0).path("value").get(1).asDouble()).isPositive();
    // counters arrive typed, with _total, and rate() works on them
    await().atMost(Duration.ofSeconds(30)).until(() -> query(base, "rate(cpu_switches_total[5s])").size() == 1);
    assertThat(query(base, "agent_alive").get(0).path("value").get(1).asDouble()).isEqualTo(1.0);
  }

  /** The agent section as the launcher's config file holds it. */
  record Root(AgentConfig agent) {}
}
