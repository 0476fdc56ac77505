package io.peregrine.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.testing.StubKubernetesApi;
import io.peregrine.common.testing.StubKubernetesApi.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's pods read from a stub Kubernetes API over HTTPS with the service-account token; a test clock. */
class NodePodsTest {
  @TempDir
  Path dir;
  private StubKubernetesApi api;
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() throws Exception {
    api = new StubKubernetesApi(dir);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private NodePods pods(String label, Duration refresh, Duration missRefresh) {
    return new NodePods("transfer", NodePodsConfig.at(api.url(), api.tokenFile().toString(),
        api.caFile().toString(), label, refresh, missRefresh), nanos::get, registry);
  }

  private double fetches(String result) {
    return registry.get("transfer_node_pods_fetches_total").tag("result", result).counter().count();
  }

  @Test
  void aNodesPodsAreItsOwnOthersAndEndedOnesAreNot() {
    api.schedule("web-7f9c", "node-1");
    api.schedule("db-0", "node-2");
    api.schedule(new Pod("batch-job-x", "node-1", Map.of(), "Succeeded"));
    NodePods pods = pods("", Duration.ofMinutes(1), Duration.ofSeconds(10));
    assertThat(pods.onNode("node-1", "web-7f9c")).isTrue();
    assertThat(pods.onNode("node-1", "db-0")).isFalse();
    assertThat(pods.onNode("node-1", "batch-job-x")).isFalse();
    assertThat(pods.onNode("node-2", "db-0")).isTrue();
    // one list per node: the misses above came within missRefresh of the first read
    assertThat(api.lists("node-1")).isEqualTo(1);
    assertThat(api.lists("node-2")).isEqualTo(1);
    assertThat(fetches("ok")).isEqualTo(2);
  }

  @Test
  void theEndpointLabelNamesAPodWhenItHasOne() {
    api.schedule(new Pod("web-7f9c", "node-1", Map.of("peregrine.io/endpoint", "shop-frontend"), "Running"));
    api.schedule("cache-1", "node-1");
    NodePods pods = pods("peregrine.io/endpoint", Duration.ofMinutes(1), Duration.ofSeconds(10));
    assertThat(pods.onNode("node-1", "shop-frontend")).isTrue();
    assertThat(pods.onNode("node-1", "web-7f9c")).isFalse(); // the scraper names it by its label, so must we
    assertThat(pods.onNode("node-1", "cache-1")).isTrue(); // no label: its name
  }

  @Test
  void aPodJustScheduledIsSeenOnAMissAtMostOncePerMissRefresh() {
    api.schedule("web-1", "node-1");
    NodePods pods = pods("", Duration.ofMinutes(1), Duration.ofSeconds(10));
    assertThat(pods.onNode("node-1", "web-1")).isTrue();
    api.schedule("web-2", "node-1");
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(pods.onNode("node-1", "web-2")).isFalse(); // within missRefresh of the last read: not asked again
    assertThat(api.lists("node-1")).isEqualTo(1);
    nanos.addAndGet(Duration.ofSeconds(6).toNanos());
    assertThat(pods.onNode("node-1", "web-2")).isTrue();
    assertThat(api.lists("node-1")).isEqualTo(2);
  }

  @Test
  void aListIsReadAgainAfterRefreshSoAPodThatMovedIsNoLongerItsOldNodes() {
    api.schedule("web-1", "node-1");
    NodePods pods = pods("", Duration.ofSeconds(60), Duration.ofSeconds(10));
    assertThat(pods.onNode("node-1", "web-1")).isTrue();
    api.remove("web-1");
    api.schedule("web-1", "node-2");
    nanos.addAndGet(Duration.ofSeconds(30).toNanos());
    assertThat(pods.onNode("node-1", "web-1")).isTrue(); // within refresh: the list in hand
    assertThat(api.lists("node-1")).isEqualTo(1);
    nanos.addAndGet(Duration.ofSeconds(31).toNanos());
    assertThat(pods.onNode("node-1", "web-1")).isFalse();
    assertThat(pods.onNode("node-2", "web-1")).isTrue();
    assertThat(api.lists("node-1")).isEqualTo(2);
  }

  @Test
  void aWrongTokenIsRefusedAndNothingIsTheNodes() throws Exception {
    api.schedule("web-1", "node-1");
    Path wrong = Files.writeString(dir.resolve("wrong-token"), "not-the-token");
    NodePods pods = new NodePods("transfer", NodePodsConfig.at(api.url(), wrong.toString(), api.caFile().toString(),
        "", Duration.ofSeconds(60), Duration.ofSeconds(10)), nanos::get, registry);
    assertThat(pods.onNode("node-1", "web-1")).isFalse();
    assertThat(api.unauthorized()).isEqualTo(1); // the miss right after the failed read did not ask again
    assertThat(fetches("failed")).isEqualTo(1);
  }

  @Test
  void whenTheApiIsAwayTheLastListStaysInForce() {
    api.schedule("web-1", "node-1");
    NodePods pods = pods("", Duration.ofSeconds(60), Duration.ofSeconds(10));
    assertThat(pods.onNode("node-1", "web-1")).isTrue();
    api.close();
    nanos.addAndGet(Duration.ofMinutes(2).toNanos());
    assertThat(pods.onNode("node-1", "web-1")).isTrue();
    assertThat(pods.onNode("node-1", "web-2")).isFalse();
    assertThat(fetches("failed")).isEqualTo(1);
  }
}
