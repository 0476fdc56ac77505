package io.peregrine.graph.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.graph.GraphConfig;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention by an injected clock, deletes on request, and the index lookups that follow them. */
class RetentionAndDeleteTest {
  static final long NOW = 1_700_000_000L;
  static final long DAY = 86_400;

  @TempDir Path dir;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  Drops drops = new Drops(registry);

  GraphStore open(long now) throws IOException {
    GraphStore s = new GraphStore(GraphConfig.defaults().withDataDir(dir.toString()), registry, drops,
        Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
    s.start();
    return s;
  }

  void push(GraphStore store, Sample... samples) {
    double before = registry.get("graph_stored_samples").counter().count();
    for (Sample s : samples) {
      store.offer(s);
    }
    await().atMost(Duration.ofSeconds(10))
        .until(() -> registry.get("graph_stored_samples").counter().count() >= before + samples.length);
  }

  double deleted(String reason) {
    var c = registry.find("graph_deleted_series").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void seriesSilentForLongerThanTheRetentionAreDeletedAndTheirSlotsReused() throws IOException {
    GraphStore store = open(NOW);
    push(store, TestSamples.gauge("old", "m", "", 1, NOW - 31 * DAY), TestSamples.gauge("recent", "m", "", 1,
        NOW - 29 * DAY));
    int oldSlot = store.series("old/m/").orElseThrow().slot();

    assertThat(store.sweepRetention()).isEqualTo(1);

    assertThat(store.series("old/m/")).isEmpty();
    assertThat(store.series("recent/m/")).isPresent();
    assertThat(deleted("retention")).isEqualTo(1.0);
    assertThat(store.index().endpoints(null, 10).names()).containsExactly("recent");
    push(store, TestSamples.gauge("new", "m", "", 5, NOW));
    assertThat(store.series("new/m/").orElseThrow().slot()).as("the freed slot").isEqualTo(oldSlot);
    assertThat(store.last("new/m/").orElseThrow().value()).isEqualTo(5.0);
    store.close();

    GraphStore reopened = open(NOW + 2 * DAY);
    try {
      assertThat(reopened.series("old/m/")).as("the delete is in the series log").isEmpty();
      assertThat(reopened.series("new/m/").orElseThrow().slot()).isEqualTo(oldSlot);
      assertThat(reopened.sweepRetention()).as("recent is now 31 days silent").isEqualTo(1);
    } finally {
      reopened.close();
    }
  }

  @Test
  void anEndpointsOrACountersSeriesAreDeletedOnRequest() throws IOException {
    GraphStore store = open(NOW);
    try {
      push(store, TestSamples.gauge("h1", "cpu.idle", "", 1, NOW), TestSamples.gauge("h1", "net.in", "iface=eth0", 1,
          NOW), TestSamples.gauge("h1", "net.in", "iface=eth1", 1, NOW), TestSamples.gauge("h2", "net.in",
          "iface=eth0", 1, NOW), TestSamples.gauge("h3", "cpu.idle", "", 1, NOW));

      assertThat(store.delete("h1", "net.in", "iface=eth0", true)).isEqualTo(1);
      assertThat(store.series("h1/net.in/iface=eth1")).isPresent();
      assertThat(store.delete("", "cpu.idle", "", false)).as("a metric on every endpoint").isEqualTo(2);
      assertThat(store.delete("h2", "", "", false)).as("an endpoint").isEqualTo(1);

      assertThat(store.list("", "", 100).series()).extracting(SeriesMeta::key)
          .containsExactly("h1/net.in/iface=eth1");
      assertThat(deleted("api")).isEqualTo(4.0);
      assertThat(store.index().endpoints(null, 10).names()).containsExactly("h1");
      assertThat(store.index().labelValues("iface")).containsExactly("eth1");
    } finally {
      store.close();
    }
  }

  @Test
  void indexLookupsByPatternSurviveARestart() throws IOException {
    GraphStore store = open(NOW);
    push(store, TestSamples.gauge("web-1", "cpu.idle", "", 1, NOW), TestSamples.gauge("web-2", "cpu.idle", "", 1,
        NOW), TestSamples.gauge("db-1", "disk.io.util", "device=sda", 1, NOW),
        TestSamples.gauge("db-1", "cpu.idle", "", 1, NOW));
    store.close();

    GraphStore reopened = open(NOW);
    try {
      IndexView index = reopened.index();
      assertThat(index.endpoints(Pattern.compile("^web-"), 10).names()).containsExactly("web-1", "web-2");
      assertThat(index.endpoints(null, 2)).isEqualTo(new IndexView.Names(List.of("db-1", "web-1"), true));
      assertThat(index.counters(Pattern.compile("disk"), 10).names()).containsExactly("disk.io.util/device=sda");
      boolean[] truncated = {false};
      assertThat(index.countersOf("db-1", null, 10, truncated)).extracting(SeriesMeta::counter)
          .containsExactly("cpu.idle", "disk.io.util/device=sda");
      assertThat(index.byPromName("cpu_idle")).hasSize(3);
      assertThat(index.labelNames()).contains("__name__", "endpoint", "device");
    } finally {
      reopened.close();
    }
  }
}
