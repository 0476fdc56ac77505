package io.peregrine.common.config;

import static io.peregrine.common.config.ConfigFixturesTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RecordBinder gives what ConfigLoader gives: the same configs from the same fixtures and environments, the same errors. */
class RecordBinderTest {
  private final RecordBinder binder = new RecordBinder();
  private final ConfigLoader loader = new ConfigLoader();

  private DemoConfig bind(Path file, Map<String, String> env) {
    return binder.load(file, DemoConfig.class, DemoConfig.defaults(), env);
  }

  private DemoConfig viaJackson(Path file, Map<String, String> env) {
    return loader.load(file, DemoConfig.class, DemoConfig.defaults(), env);
  }

  static Stream<String> goodFiles() throws Exception {
    return ConfigFixturesTest.goodFiles();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodFiles")
  void everyGoodFixtureBindsAsConfigLoaderBindsIt(String file) throws Exception {
    assertThat(bind(fixture(file), Map.of())).isEqualTo(viaJackson(fixture(file), Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.peregrine.common.config.ConfigFixturesTest#badFiles")
  void everyBadFixtureFailsWithConfigLoadersFragments(String file, List<String> fragments) throws Exception {
    Path path = fixture(file);
    assertThatThrownBy(() -> bind(path, Map.of())).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(fragments).contains(path.toString()));
  }

  static Stream<Map<String, String>> environments() {
    return Stream.of(
        Map.of(),
        Map.of("PATH", "/usr/bin", "SERVER_WORKER_THREADS", "9"),
        Map.of("PEREGRINE_SERVER_GRPC_LISTEN", "127.0.0.1:9999"),
        Map.of("PEREGRINE_SERVER_WORKER_THREADS", "12", "PEREGRINE_SERVER_FLUSH_INTERVAL", "250ms",
            "PEREGRINE_STORE_RETENTION_DAYS", "400", "PEREGRINE_STORE_RETENTION_RAW", "PT2H",
            "PEREGRINE_STORE_DATA_DIR", "/srv/data"),
        Map.of("PEREGRINE_SERVER_PEERS", "a:1,b:2"),
        Map.of("PEREGRINE_SERVER_PEERS", " a:1 , b:2 ,"),
        Map.of("PEREGRINE_SERVER_PEERS", "[\"a:1\", \"b:2\"]"),
        Map.of("PEREGRINE_SERVER_PEERS", " [\"[::1]:80\"] "),
        Map.of("PEREGRINE_SERVER_PEERS", ""));
  }

  @ParameterizedTest
  @MethodSource("environments")
  void theEnvironmentOverridesAsInConfigLoader(Map<String, String> env) throws Exception {
    assertThat(bind(null, env)).isEqualTo(viaJackson(null, env));
    assertThat(bind(fixture("full.good.yaml"), env)).isEqualTo(viaJackson(fixture("full.good.yaml"), env));
  }

  @Test
  void badEnvironmentValuesNameTheKeyTheValueAndTheVariable() {
    assertThatThrownBy(() -> bind(null, Map.of("PEREGRINE_SERVER_WORKER_THREADS", "lots")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("server.workerThreads")
        .hasMessageContaining("'lots'").hasMessageContaining("environment variable PEREGRINE_SERVER_WORKER_THREADS");
    assertThatThrownBy(() -> bind(null, Map.of("PEREGRINE_SERVER_FLUSH_INTERVAL", "10 parsecs")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("server.flushInterval")
        .hasMessageContaining("'10 parsecs'").hasMessageContaining("PEREGRINE_SERVER_FLUSH_INTERVAL");
    assertThatThrownBy(() -> bind(null, Map.of("PEREGRINE_SERVER_WORKER_THREADS", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("server.workerThreads must be within 1..256: 0")
        .hasMessageContaining("environment variable PEREGRINE_SERVER_WORKER_THREADS");
    assertThatThrownBy(() -> bind(null, Map.of("PEREGRINE_SERVER_PEERS", "a:1,nohost")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("server.peers must be host:port, got 'nohost'")
        .hasMessageContaining("PEREGRINE_SERVER_PEERS");
    assertThatThrownBy(() -> bind(null, Map.of("PEREGRINE_SERVER_PEERS", "[\"a:1\"")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PEREGRINE_SERVER_PEERS")
        .hasMessageContaining("the array is not closed");
  }

  @Test
  void aFractionalNumberForAnIntIsRefusedNotTruncated(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "server:\n  workerThreads: 2.5\n");
    assertThatThrownBy(() -> bind(file, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.workerThreads value '2.5' (from file " + file + "): expected an int");
  }

  @Test
  void aMissingFileIsAConfigError(@TempDir Path dir) {
    Path file = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> bind(file, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read config file").hasMessageContaining(file.toString());
  }

  record Unread(DemoConfig.Server server, Object other) {}

  @Test
  void anObjectSectionIsKeptUnreadAndTakesAnyKeys(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"),
        "server:\n  workerThreads: 3\nother:\n  anything: [1, two]\n  nested: {deep: true}\n");
    Unread u = binder.load(file, Unread.class, new Unread(DemoConfig.defaults().server(), null), Map.of());
    assertThat(u.server().workerThreads()).isEqualTo(3);
    assertThat(u.other()).isEqualTo(Map.of("anything", List.of(1, "two"), "nested", Map.of("deep", true)));
  }

  record WithSecret(String token, String hookUrl) {}

  record Secretive(WithSecret s) {}

  @Test
  void secretAndUrlKeysTakeFileAndEnvForms(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("token"), "s3cret\n");
    Secretive c = binder.load(null, Secretive.class, new Secretive(new WithSecret("", "")),
        Map.of("PEREGRINE_S_TOKEN", "file:" + secret, "PEREGRINE_S_HOOK_URL", "env:HOOK", "HOOK", "http://x/y"));
    assertThat(c.s()).isEqualTo(new WithSecret("s3cret", "http://x/y"));
  }

  @Test
  void environmentNamesAndDurationsFollowTheSharedRules() {
    assertThat(ConfigText.envName("transfer.grpcListen")).isEqualTo("PEREGRINE_TRANSFER_GRPC_LISTEN");
    assertThat(ConfigText.envName("agent.containers.scrapeMaxBytes"))
        .isEqualTo("PEREGRINE_AGENT_CONTAINERS_SCRAPE_MAX_BYTES");
    assertThat(ConfigText.envName("a")).isEqualTo("PEREGRINE_A");
    assertThat(ConfigText.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(ConfigText.duration(" 5m ")).isEqualTo(Duration.ofMinutes(5));
    assertThat(ConfigText.duration("10 s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(ConfigText.duration("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(ConfigText.duration("PT2H")).isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(() -> ConfigText.duration("soon")).hasMessageContaining("is not a duration");
  }

  @Test
  void aDurationGivenAsANumberIsSeconds(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "server:\n  flushInterval: 7\n");
    assertThat(bind(file, Map.of()).server().flushInterval()).isEqualTo(Duration.ofSeconds(7));
  }
}
