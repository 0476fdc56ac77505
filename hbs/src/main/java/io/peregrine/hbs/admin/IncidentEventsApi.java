package io.peregrine.hbs.admin;

import io.peregrine.hbs.incident.IncidentEventRepository;
import io.peregrine.hbs.incident.IncidentEventRules;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/incident-events}: the incident history the senders wrote (docs/ALERTING.md), newest first by
 * default, filtered by {@code eventId}, {@code kind}, {@code endpoint} (exact) and {@code since} / {@code until}
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
      String kind = Lists.textParam(ctx, "kind", 16);
      if (kind != null && !IncidentEventRules.KINDS.contains(kind)) {
        throw ApiException.badField("kind", "(query parameter) must be one of " + String.join(", ",
            IncidentEventRules.KINDS.stream().sorted().toList()) + ", got '" + kind + "'");
      }
      Filter f = new Filter().eq("event_id", Lists.textParam(ctx, "eventId", 255)).eq("kind", kind)
          .eq("endpoint", Lists.textParam(ctx, "endpoint", 255))
          .clause("happened_at >= :v", Lists.longParam(ctx, "since"))
          .clause("happened_at < :v", Lists.longParam(ctx, "until"));
      Listing l = Lists.listing(ctx, f, Map.of("at", "happened_at", "id", "id"), "-at", "id",
          Set.of("eventId", "kind", "endpoint", "since", "until"));
      ctx.json(Lists.answer(ctx, l, db.tx(h -> events.page(h, l))));
    });
  }
}
