package io.peregrine.agent;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.peregrine.agent.collect.BuiltinChecks;
import io.peregrine.agent.collect.CheckRunner;
import io.peregrine.agent.collect.CollectLoop;
import io.peregrine.agent.collect.Collector;
import io.peregrine.agent.collect.Collectors;
import io.peregrine.agent.collect.HostPaths;
import io.peregrine.agent.collect.SampleSink;
import io.peregrine.agent.collect.TcpTable;
import io.peregrine.agent.container.ContainerCollectors;
import io.peregrine.agent.expose.HostMetricsPage;
import io.peregrine.agent.hbs.Heartbeat;
import io.peregrine.agent.plugin.PluginRunner;
import io.peregrine.agent.plugin.PluginVersion;
import io.peregrine.agent.push.PushHandler;
import io.peregrine.agent.push.TrustedCallers;
import io.peregrine.agent.ship.SampleQueue;
import io.peregrine.agent.ship.Shipper;
import io.peregrine.common.http.HttpAnswer;
import io.peregrine.common.http.HttpCall;
import io.peregrine.common.http.NettyHttpServer;
import io.peregrine.common.json.OpenFalconJson;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.common.model.Limits;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent: built-in collectors and the local push API feed one bounded queue; the shipper sends it to transfer in
 * batches, spooling to disk while transfer is away; the heartbeat keeps hbs informed and brings back trusted IPs.
 *
 * <p>Start order is dependency order, and close runs in reverse: heartbeat and HTTP stop first, then collection, and
 * the shipper last, so everything that was accepted is flushed to transfer (or spooled) before the process ends.
 */
public final class AgentServer implements Component {
  private static final Logger log = LoggerFactory.getLogger(AgentServer.class);
  /** Sent in heartbeats; hbs shows it per host. */
  public static final String VERSION = "0.1.0";

  private final AgentConfig config;
  private final Clock clock;
  private final String hostname;
  private final PrometheusMeterRegistry registry = AgentMeters.newRegistry();
  private final Lifecycle lifecycle = new Lifecycle("agent");
  private final SampleQueue queue;
  private final TrustedCallers trusted;
  private final BuiltinChecks checks = new BuiltinChecks();
  private volatile NettyHttpServer http;
  private volatile Shipper shipper;
  private volatile Heartbeat heartbeat;
  private volatile PluginRunner plugins;

  public AgentServer(AgentConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.hostname = Hostnames.resolve(config.hostname(), System.getenv());
    this.queue = new SampleQueue(config.queueCapacity(), registry);
    this.trusted = new TrustedCallers(config.trustedIps());
  }

  @Override
  public String name() {
    return "agent";
  }

  @Override
  public void start() throws Exception {
    HostPaths paths = HostPaths.resolve(config.procRoot(), config.sysRoot(), config.hostRoot());
    log.info("agent: starting as '{}' (procfs {}, sysfs {}, host root {})", hostname, paths.proc(), paths.sys(),
        paths.root());
    io.peregrine.agent.identity.AgentIdentity identity = null;
    io.peregrine.common.tls.TlsConfig tlsConfig = config.tls();
    if (config.identity().enabled()) {
      // the certificate hbs issues for this node is what every channel presents; enrol before any channel exists
      identity = new io.peregrine.agent.identity.AgentIdentity(config.identity(), hostname, config.tls(), clock,
          registry);
      identity.ensure();
      tlsConfig = identity.tlsConfig();
    }
    TlsMaterial tls = lifecycle.start(new TlsMaterial("agent", tlsConfig, registry)
        .withCallToken(config.auth().token()));
    if (identity != null) {
      lifecycle.start(identity.attach(tls));
    }
    shipper = lifecycle.start(new Shipper(queue, config.transferAddresses(), config.batchSize(),
        config.flushInterval(), config.sendTimeout(), Path.of(config.spoolDir()), config.spoolMaxBytes(), registry)
        .tls(tls));
    TcpTable tcp = new TcpTable(paths);
    HostMetricsPage page = config.hostMetricsPath().isEmpty() ? null : new HostMetricsPage();
    // collected samples go as fields to the queue's encoder and the page's slot: no Sample object per sample
    SampleSink collected = page == null
        ? (endpoint, metric, tags, value, type, timestamp, step) ->
            queue.offer(endpoint, metric, tags, value, type, timestamp, step)
        : (endpoint, metric, tags, value, type, timestamp, step) -> {
          page.record(endpoint, metric, tags, value, type, step);
          return queue.offer(endpoint, metric, tags, value, type, timestamp, step);
        };
    List<Collector> collectors = new ArrayList<>(Collectors.forHost(paths, tcp));
    collectors.addAll(ContainerCollectors.create(config.containers(), paths, hostname, config.collectInterval(),
        queue::offer, clock, System.getenv(), registry));
    CollectLoop collect = lifecycle.start(new CollectLoop(collectors, hostname,
        config.collectInterval(), clock, collected, registry));
    lifecycle.start(new CheckRunner(checks, paths, tcp, hostname, config.checksInterval(), config.duTimeBudget(),
        clock, collected, registry));
    SampleValidator validator = new SampleValidator(clock);
    OpenFalconJson json = new OpenFalconJson(validator);
    plugins = lifecycle.start(new PluginRunner(Path.of(config.pluginRoot()), config.pluginDirs(),
        config.pluginConcurrency(), json, queue::offer, registry));
    HealthChecks health = new HealthChecks()
        .add("queue_not_full", () -> !queue.full())
        .add("collection_recent", collect::recent);
    // Netty, as transfer's /api/push: one full-size body held at a time (the agent's heap is small), 503 beyond
    NettyHttpServer host = new NettyHttpServer("agent-http", config.listen(), config.httpThreads(),
        Limits.MAX_MESSAGE_BYTES, Limits.MAX_MESSAGE_BYTES, registry, health)
        .tls(tls.serverTls() ? TlsContexts.nettyHttpServer(tls) : null)
        .route("/v1/push", new PushHandler(clock, validator, hostname, queue, trusted, registry));
    if (page != null) {
      host.route(config.hostMetricsPath(), call -> hostMetrics(page, call));
    }
    http = lifecycle.start(host);
    if (!config.hbsAddress().isEmpty()) {
      heartbeat = lifecycle.start(new Heartbeat(config.hbsAddress(), hostname, VERSION,
          () -> PluginVersion.of(Path.of(config.pluginRoot())),
          config.heartbeatInterval(), config.sendTimeout(), this::applyHbsConfig, registry).tls(tls));
    } else {
      log.info("agent: agent.hbsAddress is empty; no heartbeat, trusted IPs come from agent.trustedIps only");
    }
    log.info("agent: ready; POST /v1/push on port {}", http.port());
  }

  private static HttpAnswer hostMetrics(HostMetricsPage page, HttpCall call) throws java.io.IOException {
    if (!call.method().equals("GET")) {
      return HttpAnswer.json(405, "{\"error\":\"use GET\"}").withHeader("Allow", "GET");
    }
    return new HttpAnswer(200, PrometheusTextFormatWriter.CONTENT_TYPE, page.render(), Map.of());
  }

  /** What hbs answered: trusted IPs for the push API, the checks to run. */
  private void applyHbsConfig(io.peregrine.proto.v1.AgentConfig fromHbs) {
    trusted.replaceFromHbs(fromHbs.getTrustedIpsList());
    checks.update(fromHbs.getBuiltinItemsList());
    PluginRunner p = plugins;
    if (p != null) {
      p.updateHbsDirs(fromHbs.getPluginDirsList());
    }
  }

  /** The bound HTTP port (the real one when configured with port 0). */
  public int httpPort() {
    return http.port();
  }

  /** The endpoint of the built-in metrics and the name heartbeated to hbs. */
  public String hostname() {
    return hostname;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Samples waiting in the disk spool for transfer. */
  public long spooledSamples() {
    Shipper s = shipper;
    return s == null ? 0 : s.spooledSamples();
  }

  /** Where every sample the queue took is, all terms read at one moment (in + restored = the rest). */
  public io.peregrine.agent.ship.SampleLedger.Snapshot accounting() {
    return queue.ledger().snapshot();
  }

  /** The config hbs last returned, or null (no hbs, or no answer yet). */
  public io.peregrine.proto.v1.AgentConfig hbsConfig() {
    Heartbeat h = heartbeat;
    return h == null ? null : h.lastConfig();
  }

  @Override
  public void close() {
    lifecycle.close(); // idempotent: the lifecycle closes its parts once
  }
}
