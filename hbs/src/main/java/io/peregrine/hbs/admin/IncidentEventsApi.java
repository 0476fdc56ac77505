package io.peregrine.hbs.admin;

import io.peregrine.hbs.incident.IncidentEventRepository;
import io.peregrine.hbs.incident.IncidentEventRules;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/incident-events}: the incident history the senders wrote (docs/ALERTING.md), newest first by
 * default, filtered by {@code eventId}, {@code kind} (one, or several separated by commas), {@code endpoint}, {@code metric}, {@code priority} (exact) and {@code since} / {@code until}
 * (unix ms, inclusive / exclusive), paged as every list ({@link Lists}). Reading needs {@code read}; there is no
 * write route (the senders write over gRPC, retention deletes).
 */
final class IncidentEventsApi extends Resource {
  private final IncidentEventRepository events = new IncidentEventRepository();

  IncidentEventsApi(Database db, Bodies bodies) {
    super(db, bodies);
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/incident-events", ctx -> {
      String kind = Lists.textParam(ctx, "kind", 128);
      List<String> kinds = kind == null ? List.of() : List.of(kind.split(",", -1));
      for (String k : kinds) {
        if (!IncidentEventRules.KINDS.contains(k)) {
          throw ApiException.badField("kind", "(query parameter) must be one of " + String.join(", ",
              IncidentEventRules.KINDS.stream().sorted().toList()) + ", or several separated by commas, got '"
              + kind + "'");
        }
      }
      Filter f = new Filter().eq("event_id", Lists.textParam(ctx, "eventId", 255)).in("kind", kinds)
          .eq("endpoint", Lists.textParam(ctx, "endpoint", 255)).eq("metric", Lists.textParam(ctx, "metric", 255))
          .eq("priority", priority(ctx))
          .clause("happened_at >= :v", Lists.longParam(ctx, "since"))
          .clause("happened_at < :v", Lists.longParam(ctx, "until"));
      Listing l = Lists.listing(ctx, f, Map.of("at", "happened_at", "id", "id"), "-at", "id",
          Set.of("eventId", "kind", "endpoint", "metric", "priority", "since", "until"));
      ctx.json(Lists.answer(ctx, l, db.tx(h -> events.page(h, l))));
    });
  }

  private static Integer priority(io.javalin.http.Context ctx) {
    Long p = Lists.longParam(ctx, "priority");
    if (p != null && (p < 0 || p > 6)) {
      throw ApiException.badField("priority", "must be within 0..6, got " + p);
    }
    return p == null ? null : p.intValue();
  }
}
