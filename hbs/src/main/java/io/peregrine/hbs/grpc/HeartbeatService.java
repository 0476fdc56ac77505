package io.peregrine.hbs.grpc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.model.Limits;
import io.peregrine.hbs.resolve.ConfigRefresher;
import io.peregrine.hbs.resolve.HostDirectory;
import io.peregrine.hbs.store.ConflictException;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.GroupRepository;
import io.peregrine.hbs.store.HostRepository;
import io.peregrine.proto.v1.AgentConfig;
import io.peregrine.proto.v1.AgentHeartbeat;
import io.peregrine.proto.v1.BuiltinItem;
import io.peregrine.proto.v1.Strategy;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent heartbeat: record the host, put it in the default group when it has none, and answer its config:
 * the plugin directories of its groups, the builtin items its strategies ask for, and the trusted IPs. A host the
 * current {@link HostDirectory} knows (with a group, when a default group is set) takes the fast path: its row goes
 * to the {@link HeartbeatWriter}'s next batch and the answer comes from the directory's cache. A new host, or one
 * that must join the default group, is written at once in its own transaction and asks for a rebuild.
 */
public final class HeartbeatService {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatService.class);
  static final Set<String> BUILTIN_METRICS = HostDirectory.BUILTIN_METRICS;
  static final int MAX_IP_LENGTH = 64;
  static final int MAX_AGENT_VERSION_LENGTH = 64;
  static final int MAX_PLUGIN_VERSION_LENGTH = 128;
  /** Two agents of one new host racing on the insert: the second try finds the row. */
  private static final int ATTEMPTS = 3;

  private final Database db;
  private final ConfigRefresher refresher;
  private final HeartbeatWriter writer;
  private final Clock clock;
  private final String defaultGroup;
  private final List<String> trustedIps;
  private final HostRepository hosts = new HostRepository();
  private final GroupRepository groups = new GroupRepository();
  private final Counter received;
  private final MeterRegistry registry;

  public HeartbeatService(Database db, ConfigRefresher refresher, HeartbeatWriter writer, Clock clock,
      String defaultGroup, List<String> trustedIps, MeterRegistry registry) {
    this.writer = writer;
    this.db = db;
    this.refresher = refresher;
    this.clock = clock;
    this.defaultGroup = defaultGroup;
    this.trustedIps = List.copyOf(trustedIps);
    this.registry = registry;
    this.received = Counter.builder("hbs.heartbeats").description("agent heartbeats recorded").register(registry);
  }

  /** Thrown for a heartbeat that names no usable host; the message names the field. */
  static final class InvalidHeartbeatException extends IllegalArgumentException {
    InvalidHeartbeatException(String message) {
      super(message);
    }
  }

  private record Seen(long hostId, boolean changed, List<String> pluginDirs, List<Long> templateIds) {
  }

  public AgentConfig heartbeat(AgentHeartbeat hb) {
    validate(hb);
    HostDirectory dir = refresher.directory();
    HostDirectory.Host known = dir.find(hb.getHostname()).orElse(null);
    if (known != null && (defaultGroup.isEmpty() || known.groups().length > 0)) {
      // the fast path: no SQL now, the row is written with the next batch, the answer is cached per group set
      writer.add(new HeartbeatWriter.Pending(known.id(), hb.getIp(), hb.getAgentVersion(), hb.getPluginVersion(),
          clock.instant()));
      received.increment();
      return dir.config(known.groups());
    }
    Seen seen = record(hb);
    received.increment();
    if (seen.changed()) {
      refresher.requestRefresh(); // judges should learn about a new host's strategies now, not at the next tick
    }
    Set<String> items = new TreeSet<>();
    AgentConfig.Builder out = AgentConfig.newBuilder().addAllPluginDirs(seen.pluginDirs()).addAllTrustedIps(trustedIps);
    for (Strategy s : refresher.current().tree().resolve(seen.templateIds())) {
      if (BUILTIN_METRICS.contains(s.getMetric()) && items.add(s.getMetric() + "\n" + s.getTags())) {
        out.addBuiltinItems(BuiltinItem.newBuilder().setMetric(s.getMetric()).setTags(s.getTags()));
      }
    }
    return out.build();
  }

  private Seen record(AgentHeartbeat hb) {
    for (int attempt = 1; ; attempt++) {
      try {
        return db.tx(h -> {
          HostRepository.Upserted host = hosts.upsert(h, hb.getHostname(), hb.getIp(), hb.getAgentVersion(),
              hb.getPluginVersion(), clock.instant());
          boolean changed = host.created();
          if (!defaultGroup.isEmpty() && !groups.hostHasGroup(h, host.id())) {
            long group = groups.findOrCreate(h, defaultGroup, "hbs");
            if (groups.bindHost(h, group, host.id())) {
              changed = true;
              log.info("hbs: host {} belongs to no group; put it in the default group '{}'", hb.getHostname(),
                  defaultGroup);
            }
          }
          return new Seen(host.id(), changed, groups.pluginDirsOfHost(h, host.id()),
              groups.templateIdsOfHost(h, host.id()));
        });
      } catch (ConflictException e) {
        if (attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private void validate(AgentHeartbeat hb) {
    String hostname = hb.getHostname();
    if (hostname.isBlank()) {
      reject("empty_hostname", "hostname must not be empty");
    }
    if (hostname.length() > Limits.MAX_NAME_LENGTH) {
      reject("long_hostname", "hostname is longer than " + Limits.MAX_NAME_LENGTH + " characters");
    }
    for (int i = 0; i < hostname.length(); i++) {
      if (Character.isISOControl(hostname.charAt(i))) {
        reject("bad_hostname", "hostname contains a control character at position " + i);
      }
    }
    if (hb.getIp().length() > MAX_IP_LENGTH) {
      reject("long_field", "ip is longer than " + MAX_IP_LENGTH + " characters");
    }
    if (hb.getAgentVersion().length() > MAX_AGENT_VERSION_LENGTH) {
      reject("long_field", "agent_version is longer than " + MAX_AGENT_VERSION_LENGTH + " characters");
    }
    if (hb.getPluginVersion().length() > MAX_PLUGIN_VERSION_LENGTH) {
      reject("long_field", "plugin_version is longer than " + MAX_PLUGIN_VERSION_LENGTH + " characters");
    }
  }

  private void reject(String reason, String message) {
    registry.counter("hbs.heartbeats.rejected", "reason", reason).increment();
    throw new InvalidHeartbeatException(message);
  }
}
