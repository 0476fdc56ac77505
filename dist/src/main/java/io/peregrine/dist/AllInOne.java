package io.peregrine.dist;

import io.peregrine.agent.AgentServer;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.config.HostPort;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.graph.GraphServer;
import io.peregrine.hbs.HbsServer;
import io.peregrine.judge.JudgeServer;
import io.peregrine.sender.SenderServer;
import io.peregrine.transfer.TransferServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All six components in one JVM on loopback. Started in dependency order, each wired to the ports its
 * destinations actually bound: hbs (config), graph (storage), sender (alert consumer), judge (alert producer),
 * transfer (router), agent (source). The lifecycle closes them in reverse, so on Ctrl-C the agent flushes into
 * transfer, transfer into graph and judge, judge's pending alerts into the queue, and sender delivers them
 * before the stores close.
 */
public final class AllInOne {
  private final Lifecycle lifecycle;
  private final Clock clock;
  private final PrintStream console;

  private HbsServer hbs;
  private GraphServer graph;
  private SenderServer sender;
  private JudgeServer judge;
  private TransferServer transfer;
  private AgentServer agent;
  private PeregrineConfig started;

  public AllInOne(Lifecycle lifecycle, Clock clock, PrintStream console) {
    this.lifecycle = lifecycle;
    this.clock = clock;
    this.console = console;
  }

  /** all-in-one's defaults: the components' defaults with the bundled {@code all-in-one.yaml} laid over them. */
  public static PeregrineConfig defaults() {
    try (InputStream in = AllInOne.class.getResourceAsStream("/all-in-one.yaml")) {
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new ConfigLoader().overlay(PeregrineConfig.defaults(), PeregrineConfig.class, yaml,
          "all-in-one defaults");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void start(PeregrineConfig config) throws Exception {
    started = config;
    ConfigLoader loader = new ConfigLoader();
    hbs = lifecycle.start(new HbsServer(config.hbs(), clock));
    String hbsAddress = "127.0.0.1:" + hbs.grpcPort();
    graph = lifecycle.start(new GraphServer(config.graph(), clock));

    String redis = config.judge().redisUrl();
    Map<String, Object> wiring = new LinkedHashMap<>();
    wiring.put("judge.hbsAddress", hbsAddress);
    wiring.put("sender.hbsAddress", hbsAddress);
    if (!redis.isEmpty() && config.sender().redisUrl().isEmpty()) {
      wiring.put("sender.redisUrl", redis);
      wiring.put("sender.redisKeyPrefix", config.judge().redisKeyPrefix());
    }
    PeregrineConfig wired = loader.with(config, PeregrineConfig.class, wiring);
    // without Redis, judge and sender share a queue in this JVM
    InProcessAlertQueue queue = redis.isEmpty() ? new InProcessAlertQueue(InProcessAlertQueue.DEFAULT_CAPACITY) : null;
    sender = lifecycle.start(new SenderServer(wired.sender(), queue, console));
    judge = lifecycle.start(new JudgeServer(wired.judge(), queue, clock));

    transfer = lifecycle.start(new TransferServer(wired.transfer().withNodes(
        List.of("graph-0=127.0.0.1:" + graph.grpcPort()), List.of("judge-0=127.0.0.1:" + judge.grpcPort())), clock));
    Map<String, Object> agentWiring = new LinkedHashMap<>();
    agentWiring.put("agent.transferAddresses", List.of("127.0.0.1:" + transfer.grpcPort()));
    agentWiring.put("agent.hbsAddress", hbsAddress);
    agent = lifecycle.start(new AgentServer(loader.with(wired, PeregrineConfig.class, agentWiring).agent(), clock));
    hbs.wireConsole("http://127.0.0.1:" + graph.httpPort(), "http://127.0.0.1:" + sender.httpPort(),
        "http://127.0.0.1:" + judge.httpPort());
    if (config.hbs().console().enabled()) {
      console.println("peregrine: console at " + consoleUrl() + " (log in as admin; the password is in "
          + "hbs.adminPassword, or printed once in the log at the first start)");
    }
  }

  /** The web console's address on hbs's HTTP port. */
  public String consoleUrl() {
    String host = HostPort.parse("hbs.httpListen", started.hbs().httpListen()).host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
      host = "127.0.0.1"; // listening everywhere: loopback is one address that surely reaches it
    }
    return (started.hbs().tls().server() ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host)
        + ":" + hbs.httpPort() + "/console/";
  }

  public HbsServer hbs() {
    return hbs;
  }

  public GraphServer graph() {
    return graph;
  }

  public SenderServer sender() {
    return sender;
  }

  public JudgeServer judge() {
    return judge;
  }

  public TransferServer transfer() {
    return transfer;
  }

  public AgentServer agent() {
    return agent;
  }
}
