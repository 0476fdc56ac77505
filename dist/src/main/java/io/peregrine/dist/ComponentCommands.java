package io.peregrine.dist;

import io.peregrine.agent.AgentServer;
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

  @Command(name = "agent", mixinStandardHelpOptions = true,
      description = "Run the agent: collects this host's metrics, serves POST /v1/push on 127.0.0.1:1988, "
          + "ships batches to transfer, heartbeats to hbs.")
  static final class Agent implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Override
    public Integer call() {
      return Runner.run("agent", l -> l.start(new AgentServer(options.load(PeregrineConfig.defaults()).agent(),
          Clock.systemUTC())));
    }
  }

  @Command(name = "transfer", mixinStandardHelpOptions = true,
      description = "Run transfer: gRPC ingest on 8434, Open-Falcon POST /api/push on 6060; shards samples to "
          + "graph and judge nodes.")
  static final class Transfer implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Override
    public Integer call() {
      return Runner.run("transfer", l -> l.start(new TransferServer(
          options.load(PeregrineConfig.defaults()).transfer(), Clock.systemUTC())));
    }
  }

  @Command(name = "graph", mixinStandardHelpOptions = true,
      description = "Run graph: the round-robin store (gRPC 6070) and query API (HTTP 6071).")
  static final class Graph implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Override
    public Integer call() {
      return Runner.run("graph", l -> l.start(new GraphServer(options.load(PeregrineConfig.defaults()).graph(),
          Clock.systemUTC())));
    }
  }

  @Command(name = "judge", mixinStandardHelpOptions = true,
      description = "Run judge: evaluates strategies from hbs (gRPC 6080, HTTP 6081) and LPUSHes alert events "
          + "to Redis event:p0..p6 (judge.redisUrl is required).")
  static final class Judge implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Override
    public Integer call() {
      return Runner.run("judge", l -> l.start(new JudgeServer(options.load(PeregrineConfig.defaults()).judge(),
          null, Clock.systemUTC())));
    }
  }

  @Command(name = "sender", mixinStandardHelpOptions = true,
      description = "Run sender: takes alert events from Redis (sender.redisUrl is required), resolves receivers "
          + "through hbs and delivers them (HTTP 6066).")
  static final class Sender implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Override
    public Integer call() {
      return Runner.run("sender", l -> l.start(new SenderServer(options.load(PeregrineConfig.defaults()).sender(),
          null, System.out)));
    }
  }

  @Command(name = "hbs", mixinStandardHelpOptions = true,
      description = "Run hbs: agent heartbeats and config (gRPC 6030), the SQL config store and admin API "
          + "(HTTP 6031).")
  static final class Hbs implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Override
    public Integer call() {
      return Runner.run("hbs", l -> l.start(new HbsServer(options.load(PeregrineConfig.defaults()).hbs(),
          Clock.systemUTC())));
    }
  }
}
