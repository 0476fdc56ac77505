package io.peregrine.agent.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.agent.collect.SampleEmitter;
import io.peregrine.agent.container.PodInfo;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PodScraperTest {
  private static final long NOW = 1_700_000_000L;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<Sample> shipped = new ArrayList<>();
  private final List<String> accepts = new java.util.concurrent.CopyOnWriteArrayList<>();
  private ExecutorService threads;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    threads = Executors.newCachedThreadPool();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads);
    respond("/metrics", """
        # HELP http_requests_total Requests.
        # TYPE http_requests_total counter
        http_requests_total{code="200",method="get"} 1027
        queue_depth 3
        """);
    server.createContext("/openmetrics", exchange -> {
      accepts.add(exchange.getRequestHeaders().getFirst("Accept"));
      byte[] b = OPENMETRICS.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8");
      exchange.sendResponseHeaders(200, b.length);
      exchange.getResponseBody().write(b);
      exchange.close();
    });
    respond("/garbage", "<html>this is not the exposition format</html>\n{{{\n");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      many.append("series_").append(i).append(" 1\n");
    }
    respond("/many", many.toString());
    respond("/huge", "x 1\n".repeat(100_000));
    server.createContext("/hang", exchange -> {
      try {
        release.await(1, TimeUnit.MINUTES); // answers only after the test: always past the scrape timeout
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    server.start();
  }

  private void respond(String path, String body) {
    server.createContext(path, exchange -> {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, b.length);
      exchange.getResponseBody().write(b);
      exchange.close();
    });
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
    threads.shutdownNow();
  }

  private PodInfo pod(String name, String path, Map<String, String> labels) {
    return new PodInfo("uid-" + name, "shop", name, false, "Running", "127.0.0.1", labels,
        Map.of("prometheus.io/scrape", "true", "prometheus.io/port", String.valueOf(server.getAddress().getPort()),
            "prometheus.io/path", path), Map.of(), List.of());
  }

  private List<Sample> scrape(List<PodInfo> pods, int sampleLimit, String endpointLabel) throws Exception {
    return scrape(pods, sampleLimit, endpointLabel, 10);
  }

  private List<Sample> scrape(List<PodInfo> pods, int sampleLimit, String endpointLabel, int maxTargets)
      throws Exception {
    PodScraper scraper = new PodScraper(() -> pods, HttpClient.newHttpClient(), "node-1", Duration.ofSeconds(5),
        sampleLimit, 64 * 1024, maxTargets, endpointLabel, 10, new SampleValidator(Clock.systemUTC()), shipped::add,
        registry);
    List<Sample> own = new ArrayList<>();
    scraper.collect(new SampleEmitter("node-1", NOW, 10, own::add));
    return own;
  }

  private static double up(List<Sample> own, String pod) {
    return own.stream().filter(s -> s.getMetric().equals("scrape.up") && s.getTags().contains("pod=" + pod + ""))
        .findFirst().orElseThrow().getValue();
  }

  private double failures(String reason) {
    var c = registry.find("agent_scrape_failures").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void scrapesAnnotatedPodsIntoSamplesOfThePod() throws Exception {
    List<Sample> own = scrape(List.of(pod("web-1", "/metrics", Map.of())), 100, "");

    assertThat(up(own, "web-1")).isEqualTo(1);
    assertThat(shipped).hasSize(2).allSatisfy(s -> {
      assertThat(s.getEndpoint()).isEqualTo("web-1");
      assertThat(s.getTimestamp()).isEqualTo(NOW);
      assertThat(s.getStep()).isEqualTo(10);
    });
    Sample requests = shipped.get(0);
    assertThat(requests.getMetric()).isEqualTo("http_requests_total");
    assertThat(requests.getTags()).isEqualTo("code=200,method=get,namespace=shop,pod=web-1");
    assertThat(requests.getCounterType()).isEqualTo(CounterType.COUNTER);
    assertThat(own).anySatisfy(s -> {
      assertThat(s.getMetric()).isEqualTo("scrape.samples");
      assertThat(s.getTags()).isEqualTo("namespace=shop,node=node-1,pod=web-1");
      assertThat(s.getValue()).isEqualTo(2);
    });
  }

  /** As client_golang writes it when asked for OpenMetrics: families, units, an exemplar, _created, # EOF. */
  private static final String OPENMETRICS = """
      # TYPE http_requests counter
      # HELP http_requests Requests.
      http_requests_total{code="200"} 1027 # {trace_id="4bf92f3577b34da6"} 1.0 1700000000.123
      http_requests_created{code="200"} 1.6999e+09
      # TYPE process_cpu_seconds counter
      # UNIT process_cpu_seconds seconds
      process_cpu_seconds_total 12.5
      # TYPE room_temperature_celsius gauge
      # UNIT room_temperature_celsius celsius
      room_temperature_celsius 21.5
      # EOF
      """;

  @Test
  void openMetricsIsAskedForAndReadByItsRules() throws Exception {
    List<Sample> own = scrape(List.of(pod("om-1", "/openmetrics", Map.of())), 100, "");

    assertThat(accepts).singleElement().satisfies(a -> assertThat(a).startsWith("application/openmetrics-text"));
    assertThat(up(own, "om-1")).isEqualTo(1);
    // the exemplar is ignored (not a rejected line), _created is no sample, the counter family's _total a COUNTER
    assertThat(shipped).extracting(Sample::getMetric).containsExactly("http_requests_total",
        "process_cpu_seconds_total", "room_temperature_celsius");
    assertThat(shipped).extracting(Sample::getCounterType).containsExactly(CounterType.COUNTER, CounterType.COUNTER,
        CounterType.GAUGE);
    assertThat(shipped.get(0).getTags()).isEqualTo("code=200,namespace=shop,pod=om-1");
    assertThat(shipped.get(0).getValue()).isEqualTo(1027);
    assertThat(registry.get("agent_scrape_samples").tag("result", "rejected").counter().count()).isZero();
  }

  @Test
  void theEndpointCanBeAPodLabel() throws Exception {
    scrape(List.of(pod("namenode-0", "/metrics", Map.of("app", "hdfs-namenode"))), 100, "app");

    assertThat(shipped).extracting(Sample::getEndpoint).containsOnly("hdfs-namenode");
  }

  @Test
  void aHangingTargetTimesOutAndTheOthersAreStillScraped() throws Exception {
    List<Sample> own = scrape(List.of(pod("stuck", "/hang", Map.of()), pod("web-1", "/metrics", Map.of())), 100, "");

    assertThat(up(own, "stuck")).isZero();
    assertThat(up(own, "web-1")).isEqualTo(1);
    assertThat(failures("timeout")).isEqualTo(1);
    assertThat(shipped).extracting(Sample::getEndpoint).containsOnly("web-1");
  }

  @Test
  void garbageAndTooManySamplesFailTheTarget() throws Exception {
    List<Sample> own = scrape(List.of(pod("junk", "/garbage", Map.of()), pod("big", "/many", Map.of()),
        pod("gone", "/nothing-here", Map.of())), 10, "");

    assertThat(up(own, "junk")).isZero();
    assertThat(up(own, "big")).isZero();
    assertThat(up(own, "gone")).isZero();
    assertThat(failures("parse")).isEqualTo(1);
    assertThat(failures("sample_limit")).isEqualTo(1);
    assertThat(failures("http_status")).isEqualTo(1);
    assertThat(shipped).isEmpty();
  }

  @Test
  void aBodyOverTheSizeLimitAndTargetsOverTheCapAreCounted() throws Exception {
    List<Sample> own = scrape(List.of(pod("a-huge", "/huge", Map.of()), pod("b-web", "/metrics", Map.of()),
        pod("c-web", "/metrics", Map.of())), 1_000_000, "", 2);

    assertThat(up(own, "a-huge")).isZero();
    assertThat(failures("too_large")).isEqualTo(1);
    assertThat(up(own, "b-web")).isEqualTo(1);
    assertThat(own).noneMatch(s -> s.getTags().contains("pod=c-web"));
    assertThat(registry.get("agent_scrape_targets_dropped").counter().count()).isEqualTo(1);
  }

  @Test
  void onlyRunningAnnotatedPodsWithAPortAreTargets() {
    PodInfo plain = new PodInfo("u", "ns", "p", false, "Running", "10.0.0.5", Map.of(), Map.of(), Map.of(),
        List.of(8080));
    assertThat(ScrapeTarget.of(plain)).isNull();
    PodInfo declared = new PodInfo("u", "ns", "p", false, "Running", "10.0.0.5", Map.of(),
        Map.of("prometheus.io/scrape", "true"), Map.of(), List.of(8080));
    assertThat(ScrapeTarget.of(declared).uri()).hasToString("http://10.0.0.5:8080/metrics");
    PodInfo pending = new PodInfo("u", "ns", "p", false, "Pending", "", Map.of(),
        Map.of("prometheus.io/scrape", "true"), Map.of(), List.of(8080));
    assertThat(ScrapeTarget.of(pending)).isNull();
    PodInfo v6 = new PodInfo("u", "ns", "p", false, "Running", "fd00::5", Map.of(),
        Map.of("prometheus.io/scrape", "true", "prometheus.io/port", "9100", "prometheus.io/path", "stats"),
        Map.of(), List.of());
    assertThat(ScrapeTarget.of(v6).uri()).hasToString("http://[fd00::5]:9100/stats");
  }
}
