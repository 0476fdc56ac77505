package io.peregrine.hbs.admin;

import io.peregrine.common.model.Limits;
import io.peregrine.hbs.incident.OpenIncident;
import io.peregrine.hbs.incident.OpenIncidentQuery;
import io.peregrine.hbs.store.Database;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/open-incidents}: what is in PROBLEM now according to the incident history the senders wrote
 * (docs/ALERTING.md), most urgent first, then newest; filters {@code priority} (0..6), {@code endpoint},
 * {@code metric} (exact); {@code limit} 1..1,000 (default 500), {@code offset}; {@code X-Total-Count}. Read scope.
 * The console's Alerts page reads it; acknowledging goes to a sender.
 */
final class OpenIncidentsApi extends Resource {
  static final int DEFAULT_LIMIT = 500;
  static final int MAX_LIMIT = 1_000;
  private static final Set<String> PARAMS = Set.of("priority", "endpoint", "metric", "limit", "offset");

  private final OpenIncidentQuery query = new OpenIncidentQuery();

  OpenIncidentsApi(Database db, Bodies bodies) {
    super(db, bodies);
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/open-incidents", ctx -> {
      for (String name : ctx.queryParamMap().keySet()) {
        if (!PARAMS.contains(name)) {
          throw ApiException.badField(name, "is not a query parameter of this list (it takes "
              + String.join(", ", PARAMS.stream().sorted().toList()) + ")");
        }
      }
      Long priority = Lists.longParam(ctx, "priority");
      if (priority != null && (priority < 0 || priority > 6)) {
        throw ApiException.badField("priority", "must be within 0..6, got " + priority);
      }
      OpenIncidentQuery.Filter f = new OpenIncidentQuery.Filter(priority == null ? null : priority.intValue(),
          blankToNull(Lists.textParam(ctx, "endpoint", Limits.MAX_NAME_LENGTH)),
          blankToNull(Lists.textParam(ctx, "metric", Limits.MAX_NAME_LENGTH)));
      int limit = (int) Lists.longParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
      long offset = Lists.longParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
      OpenIncidentQuery.Result result = db.tx(h -> query.open(h, f, limit, offset));
      ctx.header("X-Total-Count", Long.toString(result.total()));
      ctx.json(result.incidents().stream().map(OpenIncidentsApi::json).toList());
    });
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static Map<String, Object> json(OpenIncident i) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("eventId", i.eventId());
    out.put("strategyId", i.strategyId());
    out.put("expressionId", i.expressionId());
    out.put("openedAt", i.openedAt());
    out.put("endpoint", i.endpoint());
    out.put("metric", i.metric());
    out.put("priority", i.priority());
    out.put("lastAt", i.lastAt());
    out.put("lastStep", i.lastStep());
    out.put("notified", i.notified());
    out.put("acknowledged", i.acknowledgedBy() != null);
    if (i.acknowledgedBy() != null) {
      out.put("acknowledgedBy", i.acknowledgedBy());
      out.put("acknowledgedAt", i.acknowledgedAt());
      out.put("comment", i.ackComment());
    }
    out.put("silenced", i.silenced() != null);
    if (i.silenced() != null) {
      out.put("silence", i.silenced());
    }
    return out;
  }
}
