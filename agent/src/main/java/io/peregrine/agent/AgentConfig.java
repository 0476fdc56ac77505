package io.peregrine.agent;

import io.peregrine.agent.container.ContainerConfig;
import io.peregrine.agent.push.TrustedCallers;
import io.peregrine.common.config.Checks;
import io.peregrine.common.config.HostPort;
import io.peregrine.common.model.Limits;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.tls.TlsConfig;
import java.time.Duration;
import java.util.List;

/**
 * The agent's settings (section {@code agent}). Fixed once the agent starts; only the trusted IPs that hbs returns
 * change at runtime, and they extend {@code trustedIps} rather than replace it.
 *
 * @param hostname the endpoint of every built-in metric and the name heartbeated to hbs; "" = the environment
 *     variable {@code NODE_NAME} when set (the DaemonSet passes the node name from the downward API), else the
 *     machine's hostname
 * @param listen the local push API ({@code POST /v1/push}), {@code /metrics} and {@code /health}
 * @param transferAddresses transfer gRPC addresses, used round robin; a call that fails moves to the next one
 * @param hbsAddress hbs gRPC address for heartbeats; "" = no heartbeat
 * @param collectInterval how often built-in metrics are collected; also their step (whole seconds)
 * @param heartbeatInterval how often the agent heartbeats to hbs and refreshes its config from it
 * @param procRoot procfs to read; "" = {@code /host/proc} when it exists (a pod with the host's /proc mounted), else
 *     {@code /proc}
 * @param sysRoot sysfs to read (interface speeds); "" = {@code /host/sys} when it exists, else {@code /sys}
 * @param hostRoot where the host's root filesystem is visible, for df.* of its mounts; "" = {@code /host/root} when it
 *     exists, else {@code /}
 * @param batchSize samples per batch sent to transfer
 * @param flushInterval longest a sample waits for its batch to fill
 * @param queueCapacity samples buffered in memory between collectors/push API and the shipper; when full, pushes are
 *     answered OVERLOADED and collected samples are counted as dropped (reason queue_full)
 * @param spoolDir where batches transfer could not take are kept until it is back
 * @param spoolMaxBytes disk the spool may use; beyond it the oldest batches are deleted and counted (spool_full)
 * @param sendTimeout deadline of one call to transfer (and to hbs)
 * @param trustedIps callers besides loopback allowed to use the push API: IPs or CIDR blocks
 * @param httpThreads threads serving HTTP requests
 * @param checksInterval how often the checks hbs hands out (net.port.listen, proc.num, du.bs, url.check.health) run;
 *     also their step (whole seconds). They run on a thread of their own, so a slow walk or URL never delays the
 *     built-in metrics
 * @param duTimeBudget the longest one du.bs walk may take; a walk past it reports -1 for its path
 * @param pluginRoot the plugin checkout: the directories hbs names are relative to it and must stay inside it
 * @param pluginDirs plugin directories besides the ones hbs names (a ConfigMap mount), absolute or relative to
 *     pluginRoot
 * @param pluginConcurrency plugins running at once at most; a plugin due while all slots are busy waits for one
 * @param hostMetricsPath where the host's metrics are served in Prometheus text for scrapers; "" = not served
 * @param containers container and pod metrics from the node's cgroups (v2, or v1 told in one log line), pod metadata
 *     from the kubelet, annotated pod scraping
 * @param tls TLS of this component's listeners and of the channels it opens (see docs/SECURITY.md); off = plaintext
 * @param auth tokens this component wants on its APIs and sends on its calls (see docs/SECURITY.md); off by
 *     default
 * @param identity the agent's client certificate issued by hbs from a bootstrap token, and its renewal (see
 *     docs/SECURITY.md "Agent identity"); off by default
 */
public record AgentConfig(
    String hostname,
    String listen,
    List<String> transferAddresses,
    String hbsAddress,
    Duration collectInterval,
    Duration heartbeatInterval,
    String procRoot,
    String sysRoot,
    String hostRoot,
    int batchSize,
    Duration flushInterval,
    int queueCapacity,
    String spoolDir,
    long spoolMaxBytes,
    Duration sendTimeout,
    List<String> trustedIps,
    int httpThreads,
    Duration checksInterval,
    Duration duTimeBudget,
    String pluginRoot,
    List<String> pluginDirs,
    int pluginConcurrency,
    String hostMetricsPath,
    ContainerConfig containers,
    TlsConfig tls,
    AuthConfig auth,
    io.peregrine.agent.identity.IdentityConfig identity) {

  /** Open-Falcon's 1988, so scripts pushing to the local agent keep working. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:1988";
  /** Ten seconds: fine enough to see a spike, and at ~200 series per host still a trivial load. */
  public static final Duration DEFAULT_COLLECT_INTERVAL = Duration.ofSeconds(10);
  /**
   * Sixty seconds, Open-Falcon's value. What a heartbeat brings back (trusted IPs, plugin dirs, builtin items)
   * changes rarely, liveness is judged on agent.alive (sent every collectInterval), and hbs resolves each heartbeat
   * through SQL: 10,000 agents make 167 calls/s at 60 s but 1,000/s at 10 s.
   */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(60);
  /** About 60 KB serialized: amortises a call over many samples, and one host's whole collection fits in one. */
  public static final int DEFAULT_BATCH_SIZE = 1_000;
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
  /**
   * ~10 MB of heap at ~100 bytes per sample: a host collects ~200 samples per interval, so this holds bursts of
   * application pushes (ten full 10,000-sample batches) while the shipper writes to transfer or to the spool.
   */
  public static final int DEFAULT_QUEUE_CAPACITY = 100_000;
  /** 256 MiB holds ~3.5 million samples (~75 bytes each): two days of a host's built-in metrics at 10 s. */
  public static final long DEFAULT_SPOOL_MAX_BYTES = 256L * 1024 * 1024;
  /** One batch of the largest allowed size must fit. */
  public static final long MIN_SPOOL_BYTES = 1024L * 1024;
  /** Transfer answers in milliseconds when healthy; 5 s rides out a GC pause without stalling the shipper long. */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(5);
  /**
   * Sixty seconds, Open-Falcon's step for these items: a listening port or a process count changes rarely, and a
   * du.bs walk of a large log directory costs real IO, which every 10 s would be wasted.
   */
  public static final Duration DEFAULT_CHECKS_INTERVAL = Duration.ofSeconds(60);
  /** Ten seconds per walk: a directory of a million files walks in a few seconds on local disk; more is a runaway. */
  public static final Duration DEFAULT_DU_TIME_BUDGET = Duration.ofSeconds(10);
  /** Four plugins at once: plugins are mostly waiting on IO or a subprocess; more would compete for 1-2 cores. */
  public static final int DEFAULT_PLUGIN_CONCURRENCY = 4;
  public static final String DEFAULT_HOST_METRICS_PATH = "/metrics/host";

  @com.fasterxml.jackson.annotation.JsonCreator
  public AgentConfig {
    identity = identity == null ? io.peregrine.agent.identity.IdentityConfig.off() : identity;
    containers = containers == null ? ContainerConfig.defaults() : containers;
    tls = tls == null ? TlsConfig.off() : tls;
    auth = auth == null ? AuthConfig.off() : auth;
    hostname = hostname == null ? "" : hostname.trim();
    if (hostname.length() > Limits.MAX_NAME_LENGTH || hostname.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("agent.hostname must be at most " + Limits.MAX_NAME_LENGTH
          + " printable characters: '" + hostname + "'");
    }
    Checks.address("agent.listen", listen);
    transferAddresses = List.copyOf(Checks.addresses("agent.transferAddresses", transferAddresses));
    if (transferAddresses.isEmpty()) {
      throw new IllegalArgumentException("agent.transferAddresses must name at least one transfer host:port");
    }
    for (String a : transferAddresses) {
      if (HostPort.parse("agent.transferAddresses", a).port() == 0) {
        throw new IllegalArgumentException("agent.transferAddresses needs a real port, not 0: '" + a + "'");
      }
    }
    hbsAddress = hbsAddress == null ? "" : hbsAddress.trim();
    if (!hbsAddress.isEmpty()) {
      Checks.address("agent.hbsAddress", hbsAddress);
    }
    Checks.positive("agent.collectInterval", collectInterval);
    if (collectInterval.toMillis() % 1000 != 0 || collectInterval.toSeconds() > Limits.MAX_STEP_SECONDS) {
      throw new IllegalArgumentException("agent.collectInterval is also the metrics' step: whole seconds within 1.."
          + Limits.MAX_STEP_SECONDS + ": " + collectInterval);
    }
    Checks.positive("agent.heartbeatInterval", heartbeatInterval);
    procRoot = procRoot == null ? "" : procRoot.trim();
    sysRoot = sysRoot == null ? "" : sysRoot.trim();
    hostRoot = hostRoot == null ? "" : hostRoot.trim();
    Checks.inRange("agent.batchSize", batchSize, 1, Limits.MAX_BATCH_SAMPLES);
    Checks.positive("agent.flushInterval", flushInterval);
    Checks.positive("agent.queueCapacity", queueCapacity);
    Checks.notBlank("agent.spoolDir", spoolDir);
    if (spoolMaxBytes < MIN_SPOOL_BYTES) {
      throw new IllegalArgumentException("agent.spoolMaxBytes must be at least " + MIN_SPOOL_BYTES
          + " (one full batch): " + spoolMaxBytes);
    }
    Checks.positive("agent.sendTimeout", sendTimeout);
    trustedIps = List.copyOf(trustedIps == null ? List.of() : trustedIps);
    TrustedCallers.parseAll("agent.trustedIps", trustedIps);
    Checks.positive("agent.httpThreads", httpThreads);
    Checks.positive("agent.checksInterval", checksInterval);
    if (checksInterval.toMillis() % 1000 != 0 || checksInterval.toSeconds() > Limits.MAX_STEP_SECONDS) {
      throw new IllegalArgumentException("agent.checksInterval is also the checks' step: whole seconds within 1.."
          + Limits.MAX_STEP_SECONDS + ": " + checksInterval);
    }
    Checks.positive("agent.duTimeBudget", duTimeBudget);
    Checks.notBlank("agent.pluginRoot", pluginRoot);
    pluginDirs = List.copyOf(pluginDirs == null ? List.of() : pluginDirs);
    for (String d : pluginDirs) {
      Checks.notBlank("agent.pluginDirs entry", d);
    }
    Checks.inRange("agent.pluginConcurrency", pluginConcurrency, 1, 64);
    hostMetricsPath = hostMetricsPath == null ? "" : hostMetricsPath.trim();
    if (!hostMetricsPath.isEmpty() && (!hostMetricsPath.startsWith("/") || hostMetricsPath.equals("/metrics")
        || hostMetricsPath.equals("/health") || hostMetricsPath.startsWith("/v1/"))) {
      throw new IllegalArgumentException("agent.hostMetricsPath must start with '/' and not be /metrics, /health or "
          + "under /v1/: '" + hostMetricsPath + "'");
    }
  }

  /** The settings without an {@code identity} section (the agent presents the certificate its tls block names). */
  public AgentConfig(String hostname, String listen, List<String> transferAddresses, String hbsAddress,
      Duration collectInterval, Duration heartbeatInterval, String procRoot, String sysRoot, String hostRoot,
      int batchSize, Duration flushInterval, int queueCapacity, String spoolDir, long spoolMaxBytes,
      Duration sendTimeout, List<String> trustedIps, int httpThreads, Duration checksInterval, Duration duTimeBudget,
      String pluginRoot, List<String> pluginDirs, int pluginConcurrency, String hostMetricsPath,
      ContainerConfig containers, TlsConfig tls, AuthConfig auth) {
    this(hostname, listen, transferAddresses, hbsAddress, collectInterval, heartbeatInterval, procRoot, sysRoot,
        hostRoot, batchSize, flushInterval, queueCapacity, spoolDir, spoolMaxBytes, sendTimeout, trustedIps,
        httpThreads, checksInterval, duTimeBudget, pluginRoot, pluginDirs, pluginConcurrency, hostMetricsPath,
        containers, tls, auth, io.peregrine.agent.identity.IdentityConfig.off());
  }

  /** The same settings with another {@code identity} section. */
  public AgentConfig withIdentity(io.peregrine.agent.identity.IdentityConfig i) {
    return new AgentConfig(hostname, listen, transferAddresses, hbsAddress, collectInterval, heartbeatInterval,
        procRoot, sysRoot, hostRoot, batchSize, flushInterval, queueCapacity, spoolDir, spoolMaxBytes, sendTimeout,
        trustedIps, httpThreads, checksInterval, duTimeBudget, pluginRoot, pluginDirs, pluginConcurrency,
        hostMetricsPath, containers, tls, auth, i);
  }

  public static AgentConfig defaults() {
    return new AgentConfig("", DEFAULT_LISTEN, List.of("127.0.0.1:8434"), "127.0.0.1:6030",
        DEFAULT_COLLECT_INTERVAL, DEFAULT_HEARTBEAT_INTERVAL, "", "", "", DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL,
        DEFAULT_QUEUE_CAPACITY, "./data/agent/spool", DEFAULT_SPOOL_MAX_BYTES, DEFAULT_SEND_TIMEOUT, List.of(), 4,
        DEFAULT_CHECKS_INTERVAL, DEFAULT_DU_TIME_BUDGET, "./plugins", List.of(), DEFAULT_PLUGIN_CONCURRENCY,
        DEFAULT_HOST_METRICS_PATH, ContainerConfig.defaults(), TlsConfig.off(), AuthConfig.off(),
        io.peregrine.agent.identity.IdentityConfig.off());
  }

  /** The same settings shipping to other transfer addresses (all-in-one and tests wire ports chosen at start). */
  public AgentConfig withTransferAddresses(List<String> addresses) {
    return new AgentConfig(hostname, listen, addresses, hbsAddress, collectInterval, heartbeatInterval, procRoot,
        sysRoot, hostRoot, batchSize, flushInterval, queueCapacity, spoolDir, spoolMaxBytes, sendTimeout, trustedIps,
        httpThreads, checksInterval, duTimeBudget, pluginRoot, pluginDirs, pluginConcurrency, hostMetricsPath,
        containers, tls, auth, identity);
  }

  /** The same settings with another {@code auth} block. */
  public AgentConfig withAuth(AuthConfig a) {
    return new AgentConfig(
        hostname, listen, transferAddresses, hbsAddress, collectInterval, heartbeatInterval, procRoot, sysRoot,
        hostRoot, batchSize, flushInterval, queueCapacity, spoolDir, spoolMaxBytes, sendTimeout, trustedIps,
        httpThreads, checksInterval, duTimeBudget, pluginRoot, pluginDirs, pluginConcurrency, hostMetricsPath,
        containers, tls, a, identity);
  }
}
