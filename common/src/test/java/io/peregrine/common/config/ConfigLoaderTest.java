package io.peregrine.common.config;

import static io.peregrine.common.config.ConfigFixturesTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  private final ConfigLoader loader = new ConfigLoader();

  private DemoConfig load(Path file, Map<String, String> env) {
    return loader.load(file, DemoConfig.class, DemoConfig.defaults(), env);
  }

  @Test
  void givesTheDefaultsWithoutFileOrEnvironment() {
    assertThat(load(null, Map.of())).isEqualTo(DemoConfig.defaults());
  }

  @Test
  void ignoresEnvironmentVariablesOfOtherPrograms() {
    assertThat(load(null, Map.of("PATH", "/usr/bin", "SERVER_WORKER_THREADS", "9"))).isEqualTo(DemoConfig.defaults());
  }

  @Test
  void environmentOverridesAStringKeySplittingCamelCase() {
    DemoConfig c = load(null, Map.of("PEREGRINE_SERVER_GRPC_LISTEN", "127.0.0.1:9999"));
    assertThat(c.server().grpcListen()).isEqualTo("127.0.0.1:9999");
  }

  @Test
  void environmentOverridesIntsDurationsAndNestedSections() {
    DemoConfig c = load(null, Map.of(
        "PEREGRINE_SERVER_WORKER_THREADS", "12",
        "PEREGRINE_SERVER_FLUSH_INTERVAL", "250ms",
        "PEREGRINE_STORE_RETENTION_DAYS", "400",
        "PEREGRINE_STORE_RETENTION_RAW", "PT2H",
        "PEREGRINE_STORE_DATA_DIR", "/srv/data"));
    assertThat(c.server().workerThreads()).isEqualTo(12);
    assertThat(c.server().flushInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.store()).isEqualTo(new DemoConfig.Store("/srv/data",
        new DemoConfig.Retention(Duration.ofHours(2), 400)));
  }

  @Test
  void environmentOverridesTheFile() throws Exception {
    DemoConfig c = load(fixture("full.good.yaml"), Map.of("PEREGRINE_SERVER_WORKER_THREADS", "3"));
    assertThat(c.server().workerThreads()).isEqualTo(3);
    assertThat(c.server().grpcListen()).as("from the file").isEqualTo("127.0.0.1:7070");
  }

  @Test
  void fileOverridesTheDefaults(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "server:\n  grpcListen: 10.1.2.3:1\n");
    DemoConfig c = load(file, Map.of());
    assertThat(c.server().grpcListen()).isEqualTo("10.1.2.3:1");
    assertThat(c.store()).isEqualTo(DemoConfig.defaults().store());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "a:1,b:2|a:1;b:2",
      "' a:1 , b:2 ,'|a:1;b:2",
      "'[\"a:1\", \"b:2\"]'|a:1;b:2",
      "' [\"[::1]:80\"] '|[::1]:80",
      "''|''"})
  void environmentListIsCommaSeparatedOrJson(String value, String expected) {
    DemoConfig c = load(null, Map.of("PEREGRINE_SERVER_PEERS", value == null ? "" : value));
    List<String> want = expected == null || expected.isEmpty() ? List.of() : List.of(expected.split(";"));
    assertThat(c.server().peers()).isEqualTo(want);
  }

  @Test
  void environmentTypeErrorNamesTheVariableAndTheValue() {
    assertThatThrownBy(() -> load(null, Map.of("PEREGRINE_SERVER_WORKER_THREADS", "lots")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.workerThreads").hasMessageContaining("'lots'")
        .hasMessageContaining("environment variable PEREGRINE_SERVER_WORKER_THREADS");
  }

  @Test
  void environmentDurationErrorNamesTheVariableAndTheValue() {
    assertThatThrownBy(() -> load(null, Map.of("PEREGRINE_SERVER_FLUSH_INTERVAL", "10 parsecs")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.flushInterval").hasMessageContaining("'10 parsecs'")
        .hasMessageContaining("PEREGRINE_SERVER_FLUSH_INTERVAL");
  }

  @Test
  void environmentValidationErrorNamesTheVariable() {
    assertThatThrownBy(() -> load(null, Map.of("PEREGRINE_SERVER_WORKER_THREADS", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.workerThreads must be within 1..256: 0")
        .hasMessageContaining("environment variable PEREGRINE_SERVER_WORKER_THREADS");
  }

  @Test
  void environmentListValidationErrorNamesTheVariable() {
    assertThatThrownBy(() -> load(null, Map.of("PEREGRINE_SERVER_PEERS", "a:1,nohost")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.peers must be host:port, got 'nohost'")
        .hasMessageContaining("PEREGRINE_SERVER_PEERS");
  }

  @Test
  void brokenJsonListInTheEnvironmentNamesTheVariable() {
    assertThatThrownBy(() -> load(null, Map.of("PEREGRINE_SERVER_PEERS", "[\"a:1\"")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PEREGRINE_SERVER_PEERS").hasMessageContaining("[\"a:1\"");
  }

  @Test
  void validationErrorFromTheFileNamesTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "store:\n  retention:\n    days: -2\n");
    assertThatThrownBy(() -> load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.retention.days must be positive: -2")
        .hasMessageContaining(file.toString());
  }

  @Test
  void missingFileIsAConfigError(@TempDir Path dir) {
    Path file = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> load(file, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read config file").hasMessageContaining(file.toString());
  }

  @Test
  void listsTheEnvironmentNameOfEveryLeafKey() {
    assertThat(loader.environmentNames(DemoConfig.defaults())).containsExactlyInAnyOrder(
        "PEREGRINE_SERVER_GRPC_LISTEN",
        "PEREGRINE_SERVER_WORKER_THREADS",
        "PEREGRINE_SERVER_FLUSH_INTERVAL",
        "PEREGRINE_SERVER_PEERS",
        "PEREGRINE_STORE_DATA_DIR",
        "PEREGRINE_STORE_RETENTION_RAW",
        "PEREGRINE_STORE_RETENTION_DAYS");
  }

  @ParameterizedTest
  @CsvSource({
      "transfer.grpcListen, PEREGRINE_TRANSFER_GRPC_LISTEN",
      "graph.dataDir, PEREGRINE_GRAPH_DATA_DIR",
      "judge.redis.keyPrefix, PEREGRINE_JUDGE_REDIS_KEY_PREFIX",
      "agent.step, PEREGRINE_AGENT_STEP"})
  void derivesEnvironmentNamesFromKeys(String key, String env) {
    assertThat(ConfigLoader.envName(key)).isEqualTo(env);
  }

  @Test
  void everyListedEnvironmentNameIsRead() {
    // each name environmentNames() documents must actually change the config
    Map<String, String> values = Map.of(
        "PEREGRINE_SERVER_GRPC_LISTEN", "1.2.3.4:5",
        "PEREGRINE_SERVER_WORKER_THREADS", "5",
        "PEREGRINE_SERVER_FLUSH_INTERVAL", "5s",
        "PEREGRINE_SERVER_PEERS", "p:5",
        "PEREGRINE_STORE_DATA_DIR", "/five",
        "PEREGRINE_STORE_RETENTION_RAW", "5m",
        "PEREGRINE_STORE_RETENTION_DAYS", "5");
    assertThat(values.keySet()).containsExactlyInAnyOrderElementsOf(loader.environmentNames(DemoConfig.defaults()));
    DemoConfig c = load(null, values);
    assertThat(c).isEqualTo(new DemoConfig(
        new DemoConfig.Server("1.2.3.4:5", 5, Duration.ofSeconds(5), List.of("p:5")),
        new DemoConfig.Store("/five", new DemoConfig.Retention(Duration.ofMinutes(5), 5))));
  }

  @Test
  void writesYamlThatLoadsBackToTheSameConfig(@TempDir Path dir) throws Exception {
    DemoConfig original = load(fixture("full.good.yaml"), Map.of());
    String yaml = loader.toYaml(original);
    assertThat(yaml).contains("flushInterval: \"500ms\"").contains("raw: \"2h\"");
    Path file = Files.writeString(dir.resolve("round-trip.yaml"), yaml);
    assertThat(load(file, Map.of())).isEqualTo(original);
  }

  @Test
  void overlaysYamlTextOnAConfig() {
    DemoConfig c = loader.overlay(DemoConfig.defaults(), DemoConfig.class, "server:\n  workerThreads: 2\n",
        "all-in-one defaults");
    assertThat(c.server().workerThreads()).isEqualTo(2);
    assertThat(c.store()).isEqualTo(DemoConfig.defaults().store());
  }

  @Test
  void overlayRefusesAnUnknownKeyNamingTheOrigin() {
    assertThatThrownBy(() -> loader.overlay(DemoConfig.defaults(), DemoConfig.class, "server:\n  threads: 2\n",
        "all-in-one defaults")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.threads").hasMessageContaining("all-in-one defaults");
  }

  @Test
  void replacesSingleKeysByDottedName() {
    DemoConfig c = loader.with(DemoConfig.defaults(), DemoConfig.class,
        Map.of("server.peers", List.of("127.0.0.1:40001"), "store.retention.days", 3));
    assertThat(c.server().peers()).containsExactly("127.0.0.1:40001");
    assertThat(c.store().retention().days()).isEqualTo(3);
  }

  @Test
  void replacingAnUnknownKeyFails() {
    assertThatThrownBy(() -> loader.with(DemoConfig.defaults(), DemoConfig.class, Map.of("server.nope", 1)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown config key server.nope");
    assertThatThrownBy(() -> loader.with(DemoConfig.defaults(), DemoConfig.class, Map.of("nope.x", 1)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("nope.x");
  }
}
