package io.peregrine.agent.hbs;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.config.HostPort;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.retry.Backoff;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.AgentConfig;
import io.peregrine.proto.v1.AgentHeartbeat;
import io.peregrine.proto.v1.HbsGrpc;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls Hbs.Heartbeat every interval (the first at once) with the hostname, this host's IP toward hbs, the agent
 * version and the plugin version (asked for at every beat: the plugin checkout may have been updated), and keeps the AgentConfig hbs returns, handing each answer to {@code onConfig}
 * (trusted IPs for the push API, checks, plugin directories). While
 * hbs is unreachable the agent keeps its last config and keeps working: one WARN when an outage begins, one INFO when
 * it ends, every failed call counted. A failed heartbeat is retried sooner than the interval, with the project's
 * {@link Backoff} (from 1 s, doubling, capped at the interval, full jitter): the agent gets its config soon after hbs
 * returns, and a thousand agents do not hit a restarted hbs in the same second.
 */
public final class Heartbeat implements Component {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

  private final String address;
  private final String hostname;
  private final String agentVersion;
  private final Supplier<String> pluginVersion;
  private final Duration interval;
  private final Duration timeout;
  private final Consumer<AgentConfig> onConfig;
  private final AtomicReference<AgentConfig> lastConfig = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Counter sentOk;
  private final Counter failures;
  private volatile boolean failing;
  private long failedInOutage;
  private volatile TlsMaterial tls = TlsMaterial.plaintext("heartbeat");
  private ManagedChannel channel;
  private HbsGrpc.HbsBlockingStub stub;
  private final Backoff backoff;
  private ScheduledExecutorService executor;

  public Heartbeat(String hbsAddress, String hostname, String agentVersion, Supplier<String> pluginVersion,
      Duration interval,
      Duration timeout, Consumer<AgentConfig> onConfig, MeterRegistry registry) {
    this.address = hbsAddress;
    this.hostname = hostname;
    this.agentVersion = agentVersion;
    this.pluginVersion = pluginVersion;
    this.interval = interval;
    // a heartbeat must not outlast its interval, or calls would queue behind each other
    this.timeout = timeout.compareTo(interval) < 0 ? timeout : interval;
    this.onConfig = onConfig;
    Duration first = Duration.ofSeconds(1).compareTo(interval) < 0 ? Duration.ofSeconds(1) : interval;
    this.backoff = Backoff.exponential(first, interval);
    this.sentOk = Counter.builder("agent_heartbeats").description("heartbeats hbs answered")
        .register(registry);
    this.failures = Counter.builder("agent_heartbeat_failures").description("heartbeats that failed")
        .register(registry);
  }

  /** TLS of the channel to hbs (the component's {@code tls} block); call before {@link #start()}. */
  public Heartbeat tls(TlsMaterial tls) {
    this.tls = tls;
    return this;
  }

  @Override
  public String name() {
    return "agent-heartbeat";
  }

  @Override
  public void start() {
    channel = GrpcChannels.forAddress(address, tls);
    stub = HbsGrpc.newBlockingStub(channel);
    executor = NamedExecutors.scheduled(name());
    executor.schedule(this::beatAndReschedule, 0, TimeUnit.MILLISECONDS);
    log.info("{}: heartbeating to hbs at {} every {} s as '{}'", name(), address, interval.toSeconds(), hostname);
  }

  private void beatAndReschedule() {
    beat();
    Duration next = failing ? backoff.delay((int) Math.min(failedInOutage, Integer.MAX_VALUE)) : interval;
    if (!closed.get()) {
      try {
        executor.schedule(this::beatAndReschedule, next.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  /** One heartbeat; never throws (a scheduled task that throws is never run again). */
  void beat() {
    AgentHeartbeat request = AgentHeartbeat.newBuilder().setHostname(hostname).setIp(localIp())
        .setAgentVersion(agentVersion).setPluginVersion(pluginVersion.get()).build();
    try {
      AgentConfig config = stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).heartbeat(request);
      lastConfig.set(config);
      onConfig.accept(config);
      sentOk.increment();
      if (failing) {
        log.info("{}: hbs at {} answers again after {} failed heartbeats", name(), address, failedInOutage);
        failing = false;
        failedInOutage = 0;
      }
    } catch (StatusRuntimeException | IllegalStateException e) {
      failures.increment();
      failedInOutage++;
      if (!failing) {
        failing = true;
        log.warn("{}: heartbeat to hbs at {} failed: {}; keeping the last config ({}) and retrying with backoff up "
            + "to every {} s", name(), address, e.getMessage(), lastConfig.get() == null ? "none yet" : "from hbs",
            interval.toSeconds());
      }
    } catch (RuntimeException e) {
      failures.increment();
      log.error("{}: heartbeat failed unexpectedly", name(), e);
    }
  }

  /** The config hbs last returned, or null before the first answer. */
  public AgentConfig lastConfig() {
    return lastConfig.get();
  }

  /** False while heartbeats fail. */
  public boolean healthy() {
    return !failing;
  }

  /**
   * The local address the host would use toward hbs (a connected UDP socket sends nothing but picks the route), so a
   * multi-homed host reports the IP hbs sees; the host's default address if that fails.
   */
  private String localIp() {
    HostPort hp = HostPort.parse(address);
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(new InetSocketAddress(hp.host(), hp.port()));
      InetAddress local = s.getLocalAddress();
      if (local != null && !local.isAnyLocalAddress()) {
        return local.getHostAddress();
      }
    } catch (Exception e) {
      // fall through to the host's own idea of its address
    }
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (Exception e) {
      return "";
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || executor == null) {
      return;
    }
    NamedExecutors.shutdown(executor, name(), timeout.plusSeconds(1));
    GrpcChannels.close(channel);
    log.info("{}: stopped", name());
  }
}
