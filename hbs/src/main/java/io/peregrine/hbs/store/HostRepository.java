package io.peregrine.hbs.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL on {@code host}. Upserts are an UPDATE then an INSERT, which every supported database runs the same way. */
public final class HostRepository {
  /** The outcome of a heartbeat's upsert: the host's id and whether the row is new. */
  public record Upserted(long id, boolean created) {
  }

  public Upserted upsert(Handle h, String hostname, String ip, String agentVersion, String pluginVersion,
      Instant now) {
    Optional<Long> id = idOf(h, hostname);
    if (id.isPresent()) {
      h.createUpdate("UPDATE host SET ip = :ip, agent_version = :av, plugin_version = :pv, update_at = :at "
              + "WHERE id = :id")
          .bind("ip", ip).bind("av", agentVersion).bind("pv", pluginVersion).bind("at", Timestamp.from(now))
          .bind("id", id.get())
          .execute();
      return new Upserted(id.get(), false);
    }
    long created = h.createUpdate("INSERT INTO host (hostname, ip, agent_version, plugin_version, update_at) "
            + "VALUES (:hostname, :ip, :av, :pv, :at)")
        .bind("hostname", hostname).bind("ip", ip).bind("av", agentVersion).bind("pv", pluginVersion)
        .bind("at", Timestamp.from(now))
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    return new Upserted(created, true);
  }

  /** The host's id, inserting a row with only the name when it has never heartbeated (binding by name). */
  public long findOrCreate(Handle h, String hostname) {
    return idOf(h, hostname).orElseGet(() -> h.createUpdate("INSERT INTO host (hostname) VALUES (:hostname)")
        .bind("hostname", hostname)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
  }

  public Optional<Long> idOf(Handle h, String hostname) {
    return h.createQuery("SELECT id FROM host WHERE hostname = :hostname")
        .bind("hostname", hostname).mapTo(Long.class).findOne();
  }

  public List<HostRow> list(Handle h) {
    return h.createQuery("SELECT " + HostRow.COLUMNS + " FROM host ORDER BY hostname").map(HostRow.MAPPER).list();
  }

  /** Hosts whose last heartbeat is at or after {@code fromSeconds} (an index range on {@code update_at}). */
  public List<HostRow> heartbeatSince(Handle h, long fromSeconds) {
    return h.createQuery("SELECT " + HostRow.COLUMNS + " FROM host WHERE update_at >= :from")
        .bind("from", Timestamp.from(Instant.ofEpochSecond(fromSeconds))).map(HostRow.MAPPER).list();
  }

  /** Hosts entering maintenance ({@code maintain_begin}) or leaving it ({@code maintain_end + 1}) in from..to. */
  public List<HostRow> maintenanceFlippedBetween(Handle h, long fromSeconds, long toSeconds) {
    return h.createQuery("SELECT " + HostRow.COLUMNS + " FROM host WHERE maintain_end > 0 AND ((maintain_begin "
            + ">= :from AND maintain_begin <= :to) OR (maintain_end >= :from1 AND maintain_end < :to))")
        .bind("from", fromSeconds).bind("to", toSeconds).bind("from1", fromSeconds - 1).map(HostRow.MAPPER).list();
  }

  public Optional<HostRow> find(Handle h, long id) {
    return h.createQuery("SELECT " + HostRow.COLUMNS + " FROM host WHERE id = :id")
        .bind("id", id).map(HostRow.MAPPER).findOne();
  }

  /** Sets the maintenance window (unix seconds; 0 and 0 clear it); false when there is no such host. */
  public boolean setMaintenance(Handle h, long id, long begin, long end) {
    return h.createUpdate("UPDATE host SET maintain_begin = :b, maintain_end = :e WHERE id = :id")
        .bind("b", begin).bind("e", end).bind("id", id).execute() > 0;
  }

  public Page<HostRow> page(Handle h, Listing l) {
    return new Page<>(l.rows(h, "SELECT " + HostRow.COLUMNS + " FROM host", HostRow.MAPPER),
        Listing.count(h, "host", l.filter()));
  }

  /** A host added by the API (it has not heartbeated: no versions, no update time). */
  public long create(Handle h, String hostname, String ip, long maintainBegin, long maintainEnd) {
    return h.createUpdate("INSERT INTO host (hostname, ip, maintain_begin, maintain_end) "
            + "VALUES (:hostname, :ip, :b, :e)")
        .bind("hostname", hostname).bind("ip", ip).bind("b", maintainBegin).bind("e", maintainEnd)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  /** Changes what the API owns (name, ip, maintenance); the versions and update time stay the heartbeat's. */
  public boolean update(Handle h, long id, String hostname, String ip, long maintainBegin, long maintainEnd) {
    return h.createUpdate("UPDATE host SET hostname = :hostname, ip = :ip, maintain_begin = :b, maintain_end = :e "
            + "WHERE id = :id")
        .bind("hostname", hostname).bind("ip", ip).bind("b", maintainBegin).bind("e", maintainEnd).bind("id", id)
        .execute() > 0;
  }

  /** Deletes the host and its group memberships; false when there is no such host. */
  public boolean delete(Handle h, long id) {
    h.createUpdate("DELETE FROM grp_host WHERE host_id = :id").bind("id", id).execute();
    return h.createUpdate("DELETE FROM host WHERE id = :id").bind("id", id).execute() > 0;
  }
}
