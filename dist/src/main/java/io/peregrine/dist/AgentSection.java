package io.peregrine.dist;

import io.peregrine.agent.AgentConfig;
import io.peregrine.common.config.RecordBinder;
import java.nio.file.Path;
import java.util.Map;

/**
 * The config file as {@code peregrine agent} reads it: the agent's section built and checked like in
 * {@link PeregrineConfig}, the other sections kept as unread trees. The same file, the same unknown-key errors at the
 * top level and inside {@code agent}, and the same environment names, without building (or loading the classes of)
 * the five other components' configs on every node. Components must stay those of {@link PeregrineConfig}
 * (asserted by a test). Bound by {@link RecordBinder}, not Jackson databind, whose classes would stay loaded in the
 * agent for its whole life (~600 classes, ~4 MiB of metaspace and symbols).
 */
record AgentSection(
    AgentConfig agent,
    Object transfer,
    Object graph,
    Object judge,
    Object sender,
    Object hbs) {

  static AgentConfig load(Path file, Map<String, String> env) {
    AgentSection defaults = new AgentSection(AgentConfig.defaults(), null, null, null, null, null);
    return new RecordBinder().load(file, AgentSection.class, defaults, env).agent();
  }
}
