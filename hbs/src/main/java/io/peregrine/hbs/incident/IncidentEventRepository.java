package io.peregrine.hbs.incident;

import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.Page;
import io.peregrine.proto.v1.IncidentEvent;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** SQL on {@code incident_event}. */
public final class IncidentEventRepository {
  /** Writes the entries in one batch; they must have passed {@link IncidentEventRules}. */
  public int insert(Handle h, List<IncidentEvent> events) {
    if (events.isEmpty()) {
      return 0;
    }
    PreparedBatch b = h.prepareBatch("INSERT INTO incident_event (event_id, kind, happened_at, endpoint, metric, "
        + "priority, step, channel, receiver, result, detail, sender) VALUES (:eventId, :kind, :at, :endpoint, "
        + ":metric, :priority, :step, :channel, :receiver, :result, :detail, :sender)");
    for (IncidentEvent e : events) {
      b.bind("eventId", e.getEventId()).bind("kind", e.getKind()).bind("at", e.getAt())
          .bind("endpoint", e.getEndpoint()).bind("metric", e.getMetric()).bind("priority", e.getPriority())
          .bind("step", e.getStep()).bind("channel", e.getChannel()).bind("receiver", e.getReceiver())
          .bind("result", e.getResult()).bind("detail", e.getDetail()).bind("sender", e.getSender()).add();
    }
    return b.execute().length;
  }

  public Page<IncidentEventRow> page(Handle h, Listing l) {
    return new Page<>(l.rows(h, "SELECT " + IncidentEventRow.COLUMNS + " FROM incident_event",
        IncidentEventRow.MAPPER), Listing.count(h, "incident_event", l.filter()));
  }

  /** Deletes entries older than {@code beforeMillis}, at most {@code limit} per call (short transactions). */
  public int deleteOlderThan(Handle h, long beforeMillis, int limit) {
    List<Long> ids = h.createQuery("SELECT id FROM incident_event WHERE happened_at < :t ORDER BY happened_at LIMIT "
        + limit).bind("t", beforeMillis).mapTo(Long.class).list();
    if (ids.isEmpty()) {
      return 0;
    }
    return h.createUpdate("DELETE FROM incident_event WHERE id IN (<ids>)").bindList("ids", ids).execute();
  }
}
