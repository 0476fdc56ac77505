package io.peregrine.dist;

import io.peregrine.bench.BenchCommand;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code peregrine} launcher: one subcommand per component, all-in-one, bench and config. */
@Command(
    name = "peregrine",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Peregrine: an Open-Falcon-style monitoring pipeline (agent -> transfer -> graph/judge -> sender).",
    subcommands = {
        AllInOneCommand.class,
        ComponentCommands.Agent.class,
        ComponentCommands.Transfer.class,
        ComponentCommands.Graph.class,
        ComponentCommands.Judge.class,
        ComponentCommands.Sender.class,
        ComponentCommands.Hbs.class,
        ConfigCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Peregrine implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // the agent runs on every node: its plain run form skips the model of every command (AgentLauncher)
    Optional<Path> agentConfig = AgentLauncher.plainRun(args);
    if (agentConfig != null) {
      System.exit(AgentLauncher.run(agentConfig));
    }
    routeJulToSlf4j();
    CommandLine cli = new CommandLine(new Peregrine());
    // hbs's bench lives with hbs's commands in dist (the bench module does not depend on hbs)
    cli.getSubcommands().get("bench").addSubcommand("hbs", new HbsBenchCommand());
    System.exit(cli.execute(args));
  }

  /** gRPC and Netty log through java.util.logging: route them into logback so one config and one format rule. */
  static void routeJulToSlf4j() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
