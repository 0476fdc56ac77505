package io.peregrine.dist;

import io.peregrine.agent.AgentServer;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.graph.GraphServer;
import io.peregrine.hbs.HbsServer;
import io.peregrine.judge.JudgeServer;
import io.peregrine.sender.SenderServer;
import io.peregrine.transfer.TransferServer;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** One subcommand per component, each running that component alone from its config section. */
final class ComponentCommands {
  private ComponentCommands() {}

  /** Loads the config (defaults, file, environment) and runs the one component built from it. */
  abstract static class Single implements Callable<Integer> {
    @Mixin ConfigOptions options;

    abstract String component();

    abstract Component create(PeregrineConfig config);

    @Override
    public Integer call() {
      return Runner.run(component(), l -> l.start(create(options.load(PeregrineConfig.defaults()))));
    }
  }

  @Command(name = "agent", mixinStandardHelpOptions = true,
      description = "Run the agent: collects this host's metrics, serves POST /v1/push on 127.0.0.1:1988, "
          + "ships batches to transfer, heartbeats to hbs.")
  static final class Agent extends Single {
    String component() {
      return "agent";
    }

    Component create(PeregrineConfig c) {
      return new AgentServer(c.agent(), Clock.systemUTC());
    }
  }

  @Command(name = "transfer", mixinStandardHelpOptions = true,
      description = "Run transfer: gRPC ingest on 8434, Open-Falcon POST /api/push on 6060; shards samples to "
          + "graph and judge nodes.")
  static final class Transfer extends Single {
    String component() {
      return "transfer";
    }

    Component create(PeregrineConfig c) {
      return new TransferServer(c.transfer(), Clock.systemUTC());
    }
  }

  @Command(name = "graph", mixinStandardHelpOptions = true,
      description = "Run graph: the round-robin store (gRPC 6070) and query API (HTTP 6071).")
  static final class Graph extends Single {
    String component() {
      return "graph";
    }

    Component create(PeregrineConfig c) {
      return new GraphServer(c.graph(), Clock.systemUTC());
    }
  }

  @Command(name = "judge", mixinStandardHelpOptions = true, subcommands = JudgeTestCommand.class,
      description = "Run judge: evaluates strategies from hbs (gRPC 6080, HTTP 6081) and LPUSHes alert events "
          + "to Redis event:p0..p6 (judge.redisUrl is required). 'judge test FILE...' runs rule tests.")
  static final class Judge extends Single {
    String component() {
      return "judge";
    }

    Component create(PeregrineConfig c) {
      return new JudgeServer(c.judge(), null, Clock.systemUTC());
    }
  }

  @Command(name = "sender", mixinStandardHelpOptions = true,
      description = "Run sender: takes alert events from Redis (sender.redisUrl is required), resolves receivers "
          + "through hbs and delivers them (HTTP 6066).",
      subcommands = {SenderDeadLettersCommand.class, SenderBenchCommand.class})
  static final class Sender extends Single {
    String component() {
      return "sender";
    }

    Component create(PeregrineConfig c) {
      return new SenderServer(c.sender(), null, System.out);
    }
  }

  @Command(name = "hbs", mixinStandardHelpOptions = true,
      description = "Run hbs: agent heartbeats and config (gRPC 6030), the SQL config store and admin API "
          + "(HTTP 6031).", subcommands = {HbsConfigCommands.Export.class, HbsConfigCommands.Import.class,
          HbsConfigCommands.ResetAdmin.class})
  static final class Hbs extends Single {
    String component() {
      return "hbs";
    }

    Component create(PeregrineConfig c) {
      return new HbsServer(c.hbs(), Clock.systemUTC());
    }
  }
}
