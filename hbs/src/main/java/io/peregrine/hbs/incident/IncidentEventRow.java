package io.peregrine.hbs.incident;

import org.jdbi.v3.core.mapper.RowMapper;

/**
 * A row of {@code incident_event}: one thing that happened to an incident ({@code kind}: opened, notified,
 * acknowledged, silenced, suppressed, recovered) at {@code at} (unix ms), as a sender recorded it.
 */
public record IncidentEventRow(long id, String eventId, String kind, long at, String endpoint, String metric,
    int priority, int step, String channel, String receiver, String result, String detail, String sender) {

  static final String COLUMNS = "id, event_id, kind, happened_at, endpoint, metric, priority, step, channel, "
      + "receiver, result, detail, sender";

  static final RowMapper<IncidentEventRow> MAPPER = (rs, ctx) -> new IncidentEventRow(rs.getLong("id"),
      rs.getString("event_id"), rs.getString("kind"), rs.getLong("happened_at"), rs.getString("endpoint"),
      rs.getString("metric"), rs.getInt("priority"), rs.getInt("step"), rs.getString("channel"),
      rs.getString("receiver"), rs.getString("result"), rs.getString("detail"), rs.getString("sender"));
}
