package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.ActionRow;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.ExpressionRepository;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.TemplateRepository;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/actions}: who hears about a template's or an expression's events ({@code uic}: team names,
 * comma-separated) and the optional callback. An action named by a template or an expression cannot be deleted.
 */
final class ActionsApi extends Resource {
  record ActionBody(@Size(max = 255) String uic, @Size(max = 255) String url, Boolean callback,
      Boolean beforeCallbackSms, Boolean beforeCallbackMail, Boolean afterCallbackSms, Boolean afterCallbackMail) {
    static ActionBody of(ActionRow a) {
      return new ActionBody(a.uic(), a.url(), a.callback(), a.beforeCallbackSms(), a.beforeCallbackMail(),
          a.afterCallbackSms(), a.afterCallbackMail());
    }

    ActionRow row() {
      String u = HostsApi.orEmpty(url);
      boolean cb = on(callback);
      if (cb && !(u.startsWith("http://") || u.startsWith("https://"))) {
        throw ApiException.badField("url", "must be an http:// or https:// URL when callback is on, got '" + u + "'");
      }
      return new ActionRow(0, HostsApi.orEmpty(uic), u, cb, on(beforeCallbackSms), on(beforeCallbackMail),
          on(afterCallbackSms), on(afterCallbackMail));
    }

    private static boolean on(Boolean b) {
      return b != null && b;
    }
  }

  private final ActionRepository actions = new ActionRepository();
  private final TemplateRepository templates = new TemplateRepository();
  private final ExpressionRepository expressions = new ExpressionRepository();
  private final io.peregrine.hbs.escalation.EscalationRepository escalations =
      new io.peregrine.hbs.escalation.EscalationRepository();

  ActionsApi(Database db, Bodies bodies) {
    super(db, bodies);
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/actions", ctx -> {
      Listing l = Lists.listing(ctx, new Filter(), Map.of("id", "id"), "id", "id", Set.of());
      ctx.json(Lists.answer(ctx, l, db.tx(h -> actions.page(h, l))));
    });
    r.post("/api/v1/actions", ctx -> {
      ActionRow a = bodies.read(ctx, ActionBody.class).row();
      long id = db.tx(h -> actions.create(h, a));
      created(ctx, find(id));
    });
    r.get("/api/v1/actions/{id}", ctx -> ctx.json(find(id(ctx))));
    r.put("/api/v1/actions/{id}", ctx -> update(ctx, id(ctx), bodies.read(ctx, ActionBody.class).row()));
    r.patch("/api/v1/actions/{id}", ctx -> {
      long id = id(ctx);
      update(ctx, id, bodies.patch(ctx, ActionBody.of(find(id)), ActionBody.class).row());
    });
    r.delete("/api/v1/actions/{id}", ctx -> {
      long id = id(ctx);
      db.tx(h -> {
        List<String> tpls = templates.namesUsingAction(h, id);
        if (!tpls.isEmpty()) {
          throw ApiException.conflict("action " + id + " is the action of template(s) " + String.join(", ", tpls));
        }
        List<Long> xs = expressions.idsUsingAction(h, id);
        if (!xs.isEmpty()) {
          throw ApiException.conflict("action " + id + " is the action of expression(s) " + xs);
        }
        require(actions.delete(h, id), "action", id);
        escalations.delete(h, id);
        return null;
      });
      ctx.json(deleted(id));
    });
  }

  private void update(Context ctx, long id, ActionRow a) {
    require(db.tx(h -> actions.update(h, id, a)), "action", id);
    ctx.json(find(id));
  }

  private ActionRow find(long id) {
    return found(db.tx(h -> actions.find(h, id)), "action", id);
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "action");
  }
}
