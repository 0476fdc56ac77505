package io.peregrine.dist;

import com.fasterxml.jackson.databind.JsonNode;
import io.peregrine.agent.AgentConfig;
import io.peregrine.common.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/**
 * The config file as {@code peregrine agent} reads it: the agent's section built and checked like in
 * {@link PeregrineConfig}, the other sections kept as unread trees. The same file, the same unknown-key errors at the
 * top level and inside {@code agent}, and the same environment names, without building (or loading the classes of)
 * the five other components' configs on every node. Components must stay those of {@link PeregrineConfig}
 * (asserted by a test).
 */
record AgentSection(
    AgentConfig agent,
    JsonNode transfer,
    JsonNode graph,
    JsonNode judge,
    JsonNode sender,
    JsonNode hbs) {

  static AgentConfig load(Path file, Map<String, String> env) {
    AgentSection defaults = new AgentSection(AgentConfig.defaults(), null, null, null, null, null);
    return new ConfigLoader().load(file, AgentSection.class, defaults, env).agent();
  }
}
