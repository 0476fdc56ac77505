package io.peregrine.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The files in src/test/resources/config: every *.good.yaml loads, every *.bad.yaml fails saying why. */
class ConfigFixturesTest {
  private final ConfigLoader loader = new ConfigLoader();

  /** File name and the fragments its error message must contain (key, value, origin, reason). */
  static Stream<Arguments> badFiles() {
    return Stream.of(
        bad("unknown-section.bad.yaml", "unknown config key sever", "known keys here: [server, store]"),
        bad("unknown-key.bad.yaml", "unknown config key server.grpcListn",
            "known keys here: [flushInterval, grpcListen, peers, workerThreads]"),
        bad("unknown-nested-key.bad.yaml", "unknown config key store.retention.weeks", "[days, raw]"),
        bad("int-not-a-number.bad.yaml", "server.workerThreads", "'many'", "int"),
        bad("int-null.bad.yaml", "server.workerThreads", "null"),
        bad("duration-garbage.bad.yaml", "server.flushInterval", "'soon'", "500ms, 10s, 5m"),
        bad("list-not-a-list.bad.yaml", "server.peers", "graph-0"),
        bad("section-not-a-mapping.bad.yaml", "server", "5"),
        bad("top-level-list.bad.yaml", "must hold a mapping of sections", "ARRAY"),
        bad("broken-syntax.bad.yaml", "line"),
        bad("int-out-of-range.bad.yaml", "server.workerThreads must be within 1..256: 0"),
        bad("address-without-port.bad.yaml", "server.grpcListen must be host:port, got 'localhost'"),
        bad("peer-without-port.bad.yaml", "server.peers must be host:port, got 'graph-1'"),
        bad("zero-duration.bad.yaml", "store.retention.raw must be a positive duration: PT0S"),
        bad("blank-string.bad.yaml", "store.dataDir must not be empty"));
  }

  private static Arguments bad(String file, String... fragments) {
    return Arguments.of(file, List.of(fragments));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void badFileFailsNamingTheProblemAndTheFile(String file, List<String> fragments) throws Exception {
    Path path = fixture(file);
    assertThatThrownBy(() -> loader.load(path, DemoConfig.class, DemoConfig.defaults(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(fragments).contains(path.toString()));
  }

  @Test
  void everyBadFixtureHasAnExpectedError() throws Exception {
    List<String> covered = badFiles().map(a -> (String) a.get()[0]).toList();
    assertThat(fixtures(".bad.yaml")).containsExactlyInAnyOrderElementsOf(covered);
  }

  static Stream<String> goodFiles() throws Exception {
    return fixtures(".good.yaml").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodFiles")
  void goodFileLoads(String file) throws Exception {
    assertThat(loader.load(fixture(file), DemoConfig.class, DemoConfig.defaults(), Map.of())).isNotNull();
  }

  @Test
  void fullFileSetsEveryKey() throws Exception {
    DemoConfig c = loader.load(fixture("full.good.yaml"), DemoConfig.class, DemoConfig.defaults(), Map.of());
    assertThat(c).isEqualTo(new DemoConfig(
        new DemoConfig.Server("127.0.0.1:7070", 16, Duration.ofMillis(500), List.of("graph-0:6070", "[::1]:6070")),
        new DemoConfig.Store("/var/lib/peregrine", new DemoConfig.Retention(Duration.ofHours(2), 30))));
  }

  @Test
  void partialFileKeepsTheOtherDefaults() throws Exception {
    DemoConfig d = DemoConfig.defaults();
    DemoConfig c = loader.load(fixture("partial.good.yaml"), DemoConfig.class, d, Map.of());
    assertThat(c.server()).isEqualTo(new DemoConfig.Server(d.server().grpcListen(), 8, d.server().flushInterval(),
        d.server().peers()));
    assertThat(c.store().dataDir()).isEqualTo(d.store().dataDir());
    assertThat(c.store().retention()).isEqualTo(new DemoConfig.Retention(d.store().retention().raw(), 90));
  }

  @Test
  void fileWithOnlyCommentsGivesTheDefaults() throws Exception {
    assertThat(loader.load(fixture("empty.good.yaml"), DemoConfig.class, DemoConfig.defaults(), Map.of()))
        .isEqualTo(DemoConfig.defaults());
  }

  @Test
  void emptySectionsKeepTheirDefaults() throws Exception {
    assertThat(loader.load(fixture("empty-sections.good.yaml"), DemoConfig.class, DemoConfig.defaults(), Map.of()))
        .isEqualTo(DemoConfig.defaults());
  }

  @Test
  void readsJsonSyntaxAndIsoDurations() throws Exception {
    DemoConfig c = loader.load(fixture("json-syntax.good.yaml"), DemoConfig.class, DemoConfig.defaults(), Map.of());
    assertThat(c.server().grpcListen()).isEqualTo("0.0.0.0:9090");
    assertThat(c.server().peers()).containsExactly("a:1", "b:2");
    assertThat(c.server().flushInterval()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void readsABareNumberAsSeconds() throws Exception {
    DemoConfig c = loader.load(fixture("numeric-durations.good.yaml"), DemoConfig.class, DemoConfig.defaults(),
        Map.of());
    assertThat(c.server().flushInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.store().retention().raw()).isEqualTo(Duration.ofHours(1));
  }

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(ConfigFixturesTest.class.getResource("/config/" + name).toURI());
  }

  private static List<String> fixtures(String suffix) throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.list(fixture("full.good.yaml").getParent())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
    }
  }
}
