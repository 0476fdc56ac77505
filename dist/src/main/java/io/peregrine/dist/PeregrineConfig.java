package io.peregrine.dist;

import io.peregrine.agent.AgentConfig;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.graph.GraphConfig;
import io.peregrine.hbs.HbsConfig;
import io.peregrine.judge.JudgeConfig;
import io.peregrine.sender.SenderConfig;
import io.peregrine.transfer.TransferConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * The whole configuration file: one section per component. A component run alone reads only its section, so one
 * file can serve a whole host, and a section left out takes its defaults.
 */
public record PeregrineConfig(
    AgentConfig agent,
    TransferConfig transfer,
    GraphConfig graph,
    JudgeConfig judge,
    SenderConfig sender,
    HbsConfig hbs) {

  public static PeregrineConfig defaults() {
    return new PeregrineConfig(AgentConfig.defaults(), TransferConfig.defaults(), GraphConfig.defaults(),
        JudgeConfig.defaults(), SenderConfig.defaults(), HbsConfig.defaults());
  }

  /** Defaults, then the file (if any), then PEREGRINE_* environment variables. */
  public static PeregrineConfig load(Path file, PeregrineConfig defaults, Map<String, String> env) {
    return new ConfigLoader().load(file, PeregrineConfig.class, defaults, env);
  }
}
