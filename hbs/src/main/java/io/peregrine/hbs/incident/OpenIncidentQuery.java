package io.peregrine.hbs.incident;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The incidents open now, read from {@code incident_event}: an {@code opened} entry without a later {@code opened}
 * or {@code recovered} entry of the same event id (the index on {@code (event_id, happened_at)} answers the NOT
 * EXISTS). Their acknowledgement, silence and step come from the entries since each opened. An incident whose OK
 * never reached the history stays open until retention deletes its entries.
 */
public final class OpenIncidentQuery {
  /** Entries read per page of incidents to fill in their state; more are left out of the counts. */
  static final int MAX_DETAIL_ROWS = 50_000;

  private static final String OPEN = " FROM incident_event o WHERE o.kind = 'opened' AND NOT EXISTS (SELECT 1 FROM "
      + "incident_event n WHERE n.event_id = o.event_id AND n.kind IN ('opened', 'recovered') AND (n.happened_at > "
      + "o.happened_at OR (n.happened_at = o.happened_at AND n.id > o.id)))";

  /** Filters; null means any. */
  public record Filter(Integer priority, String endpoint, String metric) {}

  public record Result(List<OpenIncident> incidents, long total) {}

  /** Most urgent first (lowest priority number), then newest first. */
  public Result open(Handle h, Filter f, int limit, long offset) {
    String where = where(f);
    Query rows = h.createQuery("SELECT o.id, o.event_id, o.happened_at, o.endpoint, o.metric, o.priority" + OPEN
        + where + " ORDER BY o.priority, o.happened_at DESC, o.id DESC LIMIT " + limit + " OFFSET " + offset);
    Query count = h.createQuery("SELECT COUNT(*)" + OPEN + where);
    bind(rows, f);
    bind(count, f);
    List<Opened> opened = rows.map((rs, ctx) -> new Opened(rs.getString("event_id"), rs.getLong("happened_at"),
        rs.getString("endpoint"), rs.getString("metric"), rs.getInt("priority"))).list();
    long total = count.mapTo(Long.class).one();
    return new Result(fill(h, opened), total);
  }

  private record Opened(String eventId, long at, String endpoint, String metric, int priority) {}

  private static String where(Filter f) {
    StringBuilder w = new StringBuilder();
    if (f.priority() != null) {
      w.append(" AND o.priority = :priority");
    }
    if (f.endpoint() != null) {
      w.append(" AND o.endpoint = :endpoint");
    }
    if (f.metric() != null) {
      w.append(" AND o.metric = :metric");
    }
    return w.toString();
  }

  private static void bind(Query q, Filter f) {
    if (f.priority() != null) {
      q.bind("priority", f.priority());
    }
    if (f.endpoint() != null) {
      q.bind("endpoint", f.endpoint());
    }
    if (f.metric() != null) {
      q.bind("metric", f.metric());
    }
  }

  /** One more query for the entries of these incidents since the earliest of them opened. */
  private static List<OpenIncident> fill(Handle h, List<Opened> opened) {
    if (opened.isEmpty()) {
      return List.of();
    }
    Map<String, Opened> byId = new LinkedHashMap<>();
    long since = Long.MAX_VALUE;
    for (Opened o : opened) {
      byId.put(o.eventId(), o);
      since = Math.min(since, o.at());
    }
    Map<String, State> states = new HashMap<>();
    h.createQuery("SELECT event_id, kind, happened_at, step, receiver, detail FROM incident_event WHERE event_id IN "
        + "(<ids>) AND happened_at >= :since ORDER BY happened_at, id LIMIT " + MAX_DETAIL_ROWS)
        .bindList("ids", new ArrayList<>(byId.keySet())).bind("since", since)
        .map((rs, ctx) -> {
          String id = rs.getString("event_id");
          Opened o = byId.get(id);
          long at = rs.getLong("happened_at");
          if (o != null && at >= o.at()) {
            states.computeIfAbsent(id, k -> new State()).add(rs.getString("kind"), at, rs.getInt("step"),
                rs.getString("receiver"), rs.getString("detail"));
          }
          return 0;
        }).list();
    List<OpenIncident> out = new ArrayList<>(opened.size());
    for (Opened o : opened) {
      State s = states.getOrDefault(o.eventId(), new State());
      out.add(new OpenIncident(o.eventId(), o.at(), o.endpoint(), o.metric(), o.priority(),
          Math.max(o.at(), s.lastAt), Math.max(1, s.lastStep), s.notified, s.ackBy, s.ackAt, s.ackComment,
          s.silenced));
    }
    return out;
  }

  private static final class State {
    long lastAt;
    int lastStep;
    int notified;
    String ackBy;
    Long ackAt;
    String ackComment;
    String silenced;

    void add(String kind, long at, int step, String receiver, String detail) {
      lastAt = Math.max(lastAt, at);
      lastStep = Math.max(lastStep, step);
      switch (kind) {
        case "notified" -> notified++;
        case "acknowledged" -> {
          if (ackBy == null) {
            ackBy = receiver;
            ackAt = at;
            ackComment = detail;
          }
        }
        case "silenced" -> silenced = detail;
        default -> { }
      }
    }
  }
}
