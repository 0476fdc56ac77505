package io.peregrine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.tls.TlsConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphConfigTest {
  @Test
  void defaultsMatchTheDocumentedValues() {
    GraphConfig c = GraphConfig.defaults();
    assertThat(c.grpcListen()).isEqualTo("127.0.0.1:6070");
    assertThat(c.httpListen()).isEqualTo("127.0.0.1:6071");
    assertThat(c.dataDir()).isEqualTo("./data/graph");
    assertThat(c.grpcThreads()).isEqualTo(4);
    assertThat(c.writeQueueCapacity()).isEqualTo(200_000);
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxSeries()).isEqualTo(2_000_000);
    assertThat(c.flushInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.rawRows()).as("a day at 60 s, not Open-Falcon's 720 (12 h)").isEqualTo(1_440);
  }

  @Test
  void badValuesFailNamingTheField() {
    GraphConfig d = GraphConfig.defaults();
    assertThatThrownBy(() -> d.withListen("nohost", d.httpListen())).hasMessageContaining("graph.grpcListen");
    assertThatThrownBy(() -> d.withDataDir(" ")).hasMessageContaining("graph.dataDir");
    assertThatThrownBy(() -> d.withWriteQueueCapacity(0)).hasMessageContaining("graph.writeQueueCapacity")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> d.withMaxSeries(0)).hasMessageContaining("graph.maxSeries");
    assertThatThrownBy(() -> d.withRetention(Duration.ZERO)).hasMessageContaining("graph.retention");
    assertThatThrownBy(() -> new GraphConfig(d.grpcListen(), d.httpListen(), d.dataDir(), 4, 4, 10, 10, 1L << 20, 10_000,
        Duration.ZERO, d.flushInterval(), d.retention(), 720, TlsConfig.off(), null)).hasMessageContaining("graph.shutdownTimeout");
    assertThatThrownBy(() -> new GraphConfig(d.grpcListen(), d.httpListen(), d.dataDir(), 4, 4, 10, 10, 1L << 20, 10_000,
        d.shutdownTimeout(), Duration.ZERO, d.retention(), 720, TlsConfig.off(), null)).hasMessageContaining("graph.flushInterval");
    assertThatThrownBy(() -> d.withRawRows(0)).hasMessageContaining("graph.rawRows").hasMessageContaining("1..100000");
    assertThatThrownBy(() -> d.withRawRows(100_001)).hasMessageContaining("graph.rawRows");
  }

  @Test
  void loadsFromEnvironmentLikeEveryComponent() {
    GraphConfig c = new ConfigLoader().load(null, GraphConfig.class, GraphConfig.defaults(),
        Map.of("PEREGRINE_WRITE_QUEUE_CAPACITY", "5000", "PEREGRINE_SHUTDOWN_TIMEOUT", "5s",
            "PEREGRINE_RAW_ROWS", "1440"));
    assertThat(c.writeQueueCapacity()).isEqualTo(5_000);
    assertThat(c.rawRows()).isEqualTo(1_440);
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
  }
}
