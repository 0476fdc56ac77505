package io.peregrine.dist.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.dist.Pipeline;
import io.peregrine.proto.v1.GraphGrpc;
import io.peregrine.proto.v1.SampleBatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The console in a real Chromium against the real all-in-one pipeline (started once for the class): logging in,
 * this host in Hosts, a {@code cpu.idle} graph uPlot drew points of, a dashboard saved by an editor and a viewer
 * who can neither see a save control nor save.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  @TempDir static Path dir;
  static ConsoleHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = new ConsoleHarness(dir, Map.of());
    h.user("vic", ConsoleHarness.ADMIN_PASSWORD, "viewer");
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  @Order(1)
  void logsInAndThisHostIsInHosts() throws Exception {
    assertThat(h.console.text()).contains("console at " + h.url());
    h.login("admin", ConsoleHarness.ADMIN_PASSWORD);
    assertThat(h.driver.findElement(By.id("whoami")).getText()).isEqualTo("admin (admin)");
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      h.open("hosts?q=" + h.hostname + "&t=" + System.nanoTime());
      h.waitFor("#hosts-summary");
      return !h.driver.findElements(By.linkText(h.hostname)).isEmpty();
    });
    assertThat(h.driver.findElement(By.cssSelector("#hosts-body tbody tr")).getText())
        .contains(h.hostname, "alive", "peregrine-demo");
    h.screenshot("hosts");
  }

  @Test
  @Order(2)
  void aGraphOfCpuIdleRendersWithDataPoints() throws Exception {
    h.awaitAgentData();
    h.login("admin", ConsoleHarness.ADMIN_PASSWORD);
    h.driver.findElement(By.linkText("Hosts")).click();
    h.waitFor("#host-search").sendKeys(h.hostname);
    await().atMost(Duration.ofSeconds(10)).until(() -> h.driver.getCurrentUrl().contains("q=" + h.hostname));
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      h.driver.findElement(By.linkText(h.hostname)).click();
      return true;
    });
    h.waitFor("#counter-search").sendKeys("cpu.idle");
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      h.driver.findElement(By.cssSelector("#counter-list input.counter[value='cpu.idle']")).click();
      return true;
    });
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
      h.driver.findElement(By.cssSelector("#ranges button[data-range='1h']")).click(); // redraw
      Object drawn = h.js("const c = document.querySelector('#charts .chart');"
          + "return c && c.uplot ? c.uplot.data[1].filter(v => v !== null).length : 0;");
      return ((Number) drawn).intValue() > 0;
    });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      h.screenshot("host-failed");
      Object answer = h.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
          + "import('/console/chart.js').then(m => m.history([{endpoint: arguments[0], counter: 'cpu.idle'}],"
          + " {start: Math.floor(Date.now()/1000) - 3600, end: Math.floor(Date.now()/1000)}))"
          + ".then(a => done(JSON.stringify(a)), e => done('error ' + e.message));", h.hostname);
      throw new AssertionError("no points drawn at " + h.driver.getCurrentUrl() + "; log: " + h.browserLog()
          + "\nhistory: " + answer, e);
    }
    assertThat(h.driver.getCurrentUrl()).contains("c=cpu.idle");
    assertThat(h.driver.findElement(By.cssSelector("#charts .chart h3")).getText()).startsWith("cpu.idle");
    // uPlot drew: its draw hook ran for the data, and its canvas holds non-background pixels
    assertThat(Integer.parseInt(h.driver.findElement(By.cssSelector("#charts .chart")).getDomAttribute("data-drawn")))
        .isPositive();
    h.screenshot("host");
  }

  @Test
  @Order(3)
  void anEditorSavesADashboardAndAViewerCannot() throws Exception {
    h.login("admin", ConsoleHarness.ADMIN_PASSWORD);
    h.open("dashboards");
    h.waitFor("#dashboard-new").click();
    h.waitFor("#dashboard-name-input").sendKeys("this host");
    var endpoints = h.driver.findElement(By.cssSelector(".graph-row .g-endpoints"));
    endpoints.clear();
    endpoints.sendKeys("^" + h.hostname + "$");
    h.driver.findElement(By.cssSelector(".graph-row .g-title")).sendKeys("CPU idle");
    h.driver.findElement(By.id("dashboard-save")).click();
    h.waitFor("#dashboard-name");
    await().atMost(Duration.ofSeconds(20)).until(() -> !h.driver.findElements(By.cssSelector("#dashboard-graphs .chart")).isEmpty());
    String shared = h.driver.getCurrentUrl();
    assertThat(shared).contains("#/dashboards?id=");
    h.screenshot("dashboards");

    h.login("vic", ConsoleHarness.ADMIN_PASSWORD);
    h.driver.get(shared); // the shared link opens the same dashboard for the viewer
    h.waitFor("#dashboard-name");
    assertThat(h.driver.findElement(By.id("dashboard-name")).getText()).isEqualTo("this host");
    assertThat(h.driver.findElements(By.id("dashboard-edit"))).isEmpty();
    h.open("dashboards");
    h.waitFor("a.dashboard-link");
    assertThat(h.driver.findElements(By.id("dashboard-new"))).isEmpty();
    Object status = h.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "import('/console/api.js').then(m => m.api('/api/v1/dashboards', {method: 'POST', body: {name: 'x',"
        + " graphs: []}})).then(() => done(200), e => done(e.status));");
    assertThat(((Number) status).intValue()).isEqualTo(403);
    assertThat(h.driver.findElements(By.linkText("Dead letters"))).isEmpty();
  }

  /** 10 series, one per minute for a day, pushed straight to graph. */
  static void pushDay(ManagedChannel graph, String endpoint, long end) {
    GraphGrpc.GraphBlockingStub stub = GraphGrpc.newBlockingStub(graph);
    long first = (end / 60) * 60 - 1439 * 60;
    for (int s = 0; s < 10; s++) {
      SampleBatch.Builder b = SampleBatch.newBuilder();
      for (int i = 0; i < 1440; i++) {
        b.addSamples(Pipeline.gauge(endpoint, "bench.load", "i=" + s, 50 + 40 * Math.sin((i + s * 37) / 60.0),
            first + i * 60L));
      }
      assertThat(stub.push(b.build()).getAccepted()).isEqualTo(1440);
    }
  }

  static void close(ManagedChannel c) {
    GrpcChannels.close(c);
  }
}
