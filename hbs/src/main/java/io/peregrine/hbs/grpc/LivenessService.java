package io.peregrine.hbs.grpc;

import io.peregrine.hbs.store.ConfigVersion;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.HostRepository;
import io.peregrine.hbs.store.HostRow;
import io.peregrine.proto.v1.HostAlive;
import io.peregrine.proto.v1.HostLiveness;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every host that ever heartbeated, with its last heartbeat and whether it is in maintenance now: what judges need
 * for agent-lost alerts. Read from the database on each call (the heartbeats waiting for their batch are written
 * first), so a heartbeat is visible at once. Hosts bound by name but never heartbeated are left out.
 *
 * <p>Versioned: an answer's version holds the second from which the next answer must look ("from") and the
 * {@code config_version} counter. A caller that passes it back gets, as long as the counter did not move, only the
 * hosts whose last heartbeat is at or after "from" (an index range on {@code update_at}) or whose maintenance
 * window started or ended since; when the counter moved (a host deleted, renamed or its window edited) or the
 * version is one hbs cannot use, every host ({@code full}). "from" is read before the waiting heartbeats are
 * written, so a heartbeat received during the call is in this answer or the next; a host may come twice.
 */
public final class LivenessService {
  /** Low bits of a version: the config counter (mod 2^20); high bits: the "from" second. */
  static final int CONFIG_BITS = 20;
  private static final long CONFIG_MASK = (1L << CONFIG_BITS) - 1;

  private final Database db;
  private final HeartbeatWriter writer;
  private final Clock clock;
  private final HostRepository hosts = new HostRepository();

  public LivenessService(Database db, HeartbeatWriter writer, Clock clock) {
    this.writer = writer;
    this.db = db;
    this.clock = clock;
  }

  /** Every host. */
  public HostLiveness liveness() {
    return liveness(0);
  }

  /** What changed since the answer of {@code knownVersion}, or every host when that cannot be told. */
  public HostLiveness liveness(long knownVersion) {
    long from = clock.instant().getEpochSecond(); // before the flush: later heartbeats are at or after it
    writer.flush(); // the heartbeats still waiting for their batch count: a judge sees every one received
    long now = clock.instant().getEpochSecond();
    return db.tx(h -> {
      long config = ConfigVersion.read(h) & CONFIG_MASK;
      long knownFrom = knownVersion >>> CONFIG_BITS;
      boolean delta = knownVersion > 0 && (knownVersion & CONFIG_MASK) == config && knownFrom <= now;
      HostLiveness.Builder out = HostLiveness.newBuilder().setNow(now).setVersion(from << CONFIG_BITS | config)
          .setFull(!delta);
      List<HostRow> rows = delta ? changedSince(h, knownFrom, now) : hosts.list(h);
      for (HostRow r : rows) {
        if (r.updateAt() > 0) {
          out.addHosts(HostAlive.newBuilder().setHostname(r.hostname()).setLastHeartbeat(r.updateAt())
              .setInMaintenance(r.inMaintenance(now)));
        }
      }
      return out.setUnchanged(delta && out.getHostsCount() == 0).build();
    });
  }

  private List<HostRow> changedSince(org.jdbi.v3.core.Handle h, long from, long now) {
    Map<String, HostRow> byName = new TreeMap<>();
    hosts.heartbeatSince(h, from).forEach(r -> byName.put(r.hostname(), r));
    hosts.maintenanceFlippedBetween(h, from, now).forEach(r -> byName.put(r.hostname(), r));
    return List.copyOf(byName.values());
  }
}
