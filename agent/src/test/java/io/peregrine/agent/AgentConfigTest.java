package io.peregrine.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.common.config.ConfigException;
import io.peregrine.common.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
  /** The agent section as the launcher's config file holds it. */
  record Root(AgentConfig agent) {}

  private final ConfigLoader loader = new ConfigLoader();
  private final Root defaults = new Root(AgentConfig.defaults());

  @Test
  void defaultsAreTheDocumentedOnes() {
    AgentConfig d = AgentConfig.defaults();
    assertThat(d.listen()).isEqualTo("127.0.0.1:1988");
    assertThat(d.transferAddresses()).containsExactly("127.0.0.1:8434");
    assertThat(d.hbsAddress()).isEqualTo("127.0.0.1:6030");
    assertThat(d.collectInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.heartbeatInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.batchSize()).isEqualTo(1_000);
    assertThat(d.queueCapacity()).isEqualTo(100_000);
    assertThat(d.spoolMaxBytes()).isEqualTo(256L * 1024 * 1024);
    assertThat(d.sendTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.trustedIps()).isEmpty();
  }

  @Test
  void fileAndEnvironmentOverrideTheDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(file, "agent:\n  collectInterval: 30s\n  trustedIps: [10.0.0.0/8]\n  spoolMaxBytes: 2097152\n");
    Root r = loader.load(file, Root.class, defaults, Map.of(
        "PEREGRINE_AGENT_TRANSFER_ADDRESSES", "t1:8434,t2:8434",
        "PEREGRINE_AGENT_HBS_ADDRESS", "",
        "PEREGRINE_AGENT_PROC_ROOT", "/host/proc"));
    assertThat(r.agent().collectInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(r.agent().trustedIps()).containsExactly("10.0.0.0/8");
    assertThat(r.agent().spoolMaxBytes()).isEqualTo(2_097_152L);
    assertThat(r.agent().transferAddresses()).containsExactly("t1:8434", "t2:8434");
    assertThat(r.agent().hbsAddress()).isEmpty();
    assertThat(r.agent().procRoot()).isEqualTo("/host/proc");
  }

  @Test
  void theExampleFileHoldsEveryKeyWithItsDefault() throws Exception {
    Root r = loader.load(Path.of("agent.example.yaml"), Root.class, defaults, Map.of());
    assertThat(r.agent()).isEqualTo(AgentConfig.defaults());
    List<String> documented = Files.readAllLines(Path.of("agent.example.yaml")).stream()
        .filter(l -> l.startsWith("  ") && !l.startsWith("    ") && l.contains(":")) // top-level keys only
        .map(l -> l.trim().substring(0, l.trim().indexOf(':')))
        .toList();
    assertThat(documented).containsExactlyElementsOf(
        java.util.Arrays.stream(AgentConfig.class.getRecordComponents()).map(c -> c.getName()).toList());
  }

  @Test
  void badValuesFailNamingTheKey() {
    assertThatThrownBy(() -> loader.load(null, Root.class, defaults,
        Map.of("PEREGRINE_AGENT_COLLECT_INTERVAL", "1500ms")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("agent.collectInterval");
    assertThatThrownBy(() -> loader.load(null, Root.class, defaults,
        Map.of("PEREGRINE_AGENT_TRANSFER_ADDRESSES", "[]")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("agent.transferAddresses");
    assertThatThrownBy(() -> loader.load(null, Root.class, defaults,
        Map.of("PEREGRINE_AGENT_SPOOL_MAX_BYTES", "1000")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("agent.spoolMaxBytes");
    assertThatThrownBy(() -> loader.load(null, Root.class, defaults,
        Map.of("PEREGRINE_AGENT_TRUSTED_IPS", "somehost")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("agent.trustedIps");
    assertThatThrownBy(() -> loader.load(null, Root.class, defaults,
        Map.of("PEREGRINE_AGENT_BATCH_SIZE", "20000")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("agent.batchSize");
  }

  @Test
  void hostnameComesFromConfigThenNodeNameThenTheMachine() {
    assertThat(Hostnames.resolve("web-1", Map.of("NODE_NAME", "node-a"))).isEqualTo("web-1");
    assertThat(Hostnames.resolve("", Map.of("NODE_NAME", "node-a"))).isEqualTo("node-a");
    assertThat(Hostnames.resolve("", Map.of())).isNotBlank();
    assertThat(AgentConfig.defaults().withTransferAddresses(List.of("x:1")).transferAddresses())
        .containsExactly("x:1");
  }
}
