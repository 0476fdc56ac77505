package io.peregrine.hbs.admin;

import io.peregrine.hbs.auth.AuditLog;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/audit}: who changed what and when, newest first by default (scope {@code admin}). Filters:
 * {@code actor} (a user name), {@code entity} ({@code hosts}, {@code templates}, ...), {@code entityId}, and
 * {@code since} / {@code until} (unix milliseconds, inclusive).
 */
final class AuditApi extends Resource {
  private final AuditLog audit;

  AuditApi(Database db, Bodies bodies, AuditLog audit) {
    super(db, bodies);
    this.audit = audit;
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/audit", ctx -> {
      Filter f = new Filter().eq("actor", Lists.textParam(ctx, "actor", 64))
          .eq("entity", Lists.textParam(ctx, "entity", 32))
          .eq("entity_id", Lists.longParam(ctx, "entityId"))
          .clause("created_at >= :v", Lists.longParam(ctx, "since"))
          .clause("created_at <= :v", Lists.longParam(ctx, "until"));
      Listing l = Lists.listing(ctx, f, Map.of("id", "id"), "-id", "id",
          Set.of("actor", "entity", "entityId", "since", "until"));
      ctx.json(Lists.answer(ctx, l, audit.page(l)));
    });
  }
}
