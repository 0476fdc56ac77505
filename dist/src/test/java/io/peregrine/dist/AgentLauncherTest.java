package io.peregrine.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.peregrine.agent.AgentConfig;
import io.peregrine.common.config.ConfigException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine agent}'s own start path: its arguments, its config section, its log line. */
class AgentLauncherTest {
  @TempDir
  Path dir;

  @Test
  void takesOnlyThePlainRunFormAndLeavesTheRestToPicocli() {
    assertThat(AgentLauncher.plainRun(new String[] {"agent"})).isEqualTo(Optional.empty());
    assertThat(AgentLauncher.plainRun(new String[] {"agent", "-c", "a.yaml"})).contains(Path.of("a.yaml"));
    assertThat(AgentLauncher.plainRun(new String[] {"agent", "--config", "a.yaml"})).contains(Path.of("a.yaml"));
    assertThat(AgentLauncher.plainRun(new String[] {"agent", "--config=a.yaml"})).contains(Path.of("a.yaml"));
    assertThat(AgentLauncher.plainRun(new String[] {"agent", "--help"})).isNull();
    assertThat(AgentLauncher.plainRun(new String[] {"agent", "-V"})).isNull();
    assertThat(AgentLauncher.plainRun(new String[] {"agent", "-c"})).isNull();
    assertThat(AgentLauncher.plainRun(new String[] {"agent", "-c", "--help"})).isNull();
    assertThat(AgentLauncher.plainRun(new String[] {"agent", "--config="})).isNull();
    assertThat(AgentLauncher.plainRun(new String[] {"agent", "-c", "a.yaml", "extra"})).isNull();
    assertThat(AgentLauncher.plainRun(new String[] {"transfer"})).isNull();
    assertThat(AgentLauncher.plainRun(new String[] {})).isNull();
  }

  @Test
  void sectionsAreThoseOfTheWholeConfig() {
    assertThat(names(AgentSection.class)).isEqualTo(names(PeregrineConfig.class));
  }

  @Test
  void readsTheAgentSectionOfAWholeHostsFileAndTheEnvironment() throws Exception {
    Path file = Files.writeString(dir.resolve("peregrine.yaml"), """
        agent:
          listen: 127.0.0.1:0
          batchSize: 500
        transfer:
          grpcListen: 127.0.0.1:9999
          someKeyOnlyTransferKnows: 1
        """);
    AgentConfig agent = AgentSection.load(file, Map.of("PEREGRINE_AGENT_HBS_ADDRESS", ""));
    assertThat(agent.listen()).isEqualTo("127.0.0.1:0");
    assertThat(agent.batchSize()).isEqualTo(500);
    assertThat(agent.hbsAddress()).isEmpty();
    assertThat(agent.spoolDir()).isEqualTo(AgentConfig.defaults().spoolDir());
    assertThat(AgentSection.load(null, Map.of()).listen()).isEqualTo(AgentConfig.DEFAULT_LISTEN);
  }

  @Test
  void refusesUnknownKeysAndBadValuesLikeTheWholeLoader() throws Exception {
    Path top = Files.writeString(dir.resolve("top.yaml"), "agnt:\n  listen: 127.0.0.1:0\n");
    assertThatThrownBy(() -> AgentSection.load(top, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown config key agnt");
    Path inner = Files.writeString(dir.resolve("inner.yaml"), "agent:\n  lissten: 127.0.0.1:0\n");
    assertThatThrownBy(() -> AgentSection.load(inner, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown config key agent.lissten");
    assertThatThrownBy(() -> AgentSection.load(null, Map.of("PEREGRINE_AGENT_BATCH_SIZE", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PEREGRINE_AGENT_BATCH_SIZE");
  }

  @Test
  void bindsTheAgentSectionAsTheWholeLoaderDoes() throws Exception {
    Path example = Path.of("../agent/agent.example.yaml");
    Map<String, String> env = Map.of(
        "PEREGRINE_AGENT_TRANSFER_ADDRESSES", "[\"t-0:8434\", \"t-1:8434\"]",
        "PEREGRINE_AGENT_COLLECT_INTERVAL", "15s",
        "PEREGRINE_AGENT_SPOOL_MAX_BYTES", "1048576",
        "PEREGRINE_AGENT_TRUSTED_IPS", "10.0.0.0/8, 192.168.1.1",
        "PEREGRINE_AGENT_CONTAINERS_ENABLED", "false",
        "PEREGRINE_AGENT_CONTAINERS_POD_LABELS", "app,team",
        "PEREGRINE_AGENT_TLS_CLIENT_AUTH", "optional",
        "PEREGRINE_AGENT_AUTH_TOKEN", "env:AGENT_TOKEN",
        "AGENT_TOKEN", "t0ken",
        "PEREGRINE_AGENT_IDENTITY_RENEW_AT", "0.5");
    Path whole = Files.writeString(dir.resolve("whole.yaml"), Files.readString(example)
        + "transfer:\n  grpcListen: 127.0.0.1:9999\n");
    for (Path file : new Path[] {null, example, whole}) {
      for (Map<String, String> e : java.util.List.of(Map.<String, String>of(), env)) {
        AgentConfig viaJackson = PeregrineConfig.load(file, PeregrineConfig.defaults(), e).agent();
        assertThat(AgentSection.load(file, e)).as("%s with %s", file, e).isEqualTo(viaJackson);
      }
    }
    assertThat(AgentSection.load(example, env).tls().clientAuth().configName()).isEqualTo("optional");
    assertThat(AgentSection.load(example, env).auth().token()).isEqualTo("t0ken");
  }

  @Test
  void writesLogbackXmlsLine() {
    MinimalLogging.Line layout = new MinimalLogging.Line();
    layout.setContext(new LoggerContext());
    LoggingEvent e = new LoggingEvent("x", new LoggerContext().getLogger("io.peregrine.agent.AgentServer"),
        Level.INFO, "agent: ready on {}", null, new Object[] {1988});
    e.setThreadName("main");
    assertThat(layout.doLayout(e)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d INFO  \\[main] AgentServer: "
        + "agent: ready on 1988\\R");
  }

  private static String[] names(Class<?> record) {
    return Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toArray(String[]::new);
  }
}
