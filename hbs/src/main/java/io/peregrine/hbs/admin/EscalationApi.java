package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.escalation.Escalation;
import io.peregrine.hbs.escalation.EscalationRepository;
import io.peregrine.hbs.escalation.EscalationRules;
import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.Database;
import java.util.List;

/**
 * {@code /api/v1/actions/{id}/escalation}: the action's escalation steps (docs/ALERTING.md). GET answers
 * {@code {"steps": [], "repeatMinutes": 0}} for an action without one; PUT replaces it whole (checked by
 * {@link EscalationRules}; no steps = none); DELETE removes it.
 */
final class EscalationApi extends Resource {
  static final String PATH = "/api/v1/actions/{id}/escalation";

  private final ActionRepository actions = new ActionRepository();
  private final EscalationRepository escalations = new EscalationRepository();

  EscalationApi(Database db, Bodies bodies) {
    super(db, bodies);
  }

  @Override
  void routes(Routes r) {
    r.get(PATH, ctx -> {
      long id = id(ctx);
      ctx.json(db.tx(h -> {
        require(actions.find(h, id).isPresent(), "action", id);
        return escalations.find(h, id);
      }));
    });
    r.put(PATH, ctx -> {
      long id = id(ctx);
      Escalation e = checked(bodies.read(ctx, Escalation.class));
      ctx.json(db.tx(h -> {
        require(actions.find(h, id).isPresent(), "action", id);
        escalations.replace(h, id, e);
        return escalations.find(h, id);
      }));
    });
    r.delete(PATH, ctx -> {
      long id = id(ctx);
      db.tx(h -> {
        require(actions.find(h, id).isPresent(), "action", id);
        escalations.delete(h, id);
        return null;
      });
      ctx.json(deleted(id));
    });
  }

  /** {@code e} when {@link EscalationRules} finds nothing wrong; else 400 naming every bad field. */
  static Escalation checked(Escalation e) {
    List<EscalationRules.Problem> problems = EscalationRules.check(e);
    if (!problems.isEmpty()) {
      throw ApiException.badFields(problems.stream().map(p -> new ApiException.FieldError(p.field(),
          "field '" + p.field() + "' " + p.message())).toList());
    }
    return e;
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "action");
  }
}
