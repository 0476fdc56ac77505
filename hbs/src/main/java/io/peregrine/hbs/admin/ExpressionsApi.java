package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.ExpressionRepository;
import io.peregrine.hbs.store.ExpressionRow;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.Set;
import org.hibernate.validator.constraints.Range;
import org.jdbi.v3.core.Handle;

/** {@code /api/v1/expressions}: strategies over a tag selector, not bound to hosts; the action must exist. */
final class ExpressionsApi extends Resource {
  record ExpressionBody(@NotBlank(message = "is required") @Size(max = StrategyRules.MAX_EXPRESSION_LENGTH)
      String expression, @Size(max = 32) String func,
      @NotBlank(message = "is required") @Size(max = 2) String operator,
      @NotNull(message = "is required") Double rightValue,
      @NotNull(message = "is required") @Range(min = 0, max = 6) Integer priority,
      @Range(min = 0, max = 1_000_000) Integer maxStep, @Size(max = StrategyRules.MAX_NOTE_LENGTH) String note,
      @PositiveOrZero Long actionId, @Size(max = 64) String createUser, Boolean pause) {
    static ExpressionBody of(ExpressionRow x) {
      return new ExpressionBody(x.expression(), x.func(), x.operator(), Double.parseDouble(x.rightValue()),
          x.priority(), x.maxStep(), x.note(), x.actionId(), x.createUser(), x.pause());
    }

    ExpressionRow row() {
      return new ExpressionRow(0, StrategyRules.expression("expression", expression), StrategyRules.func("func", func),
          StrategyRules.operator("operator", operator), StrategyRules.rightValue("rightValue", rightValue),
          maxStep == null ? 1 : maxStep, priority, HostsApi.orEmpty(note), HostsApi.orZero(actionId),
          HostsApi.orEmpty(createUser), pause != null && pause);
    }
  }

  private final ExpressionRepository expressions = new ExpressionRepository();
  private final ActionRepository actions = new ActionRepository();

  ExpressionsApi(Database db, Bodies bodies) {
    super(db, bodies);
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/expressions", ctx -> {
      Filter f = new Filter().eq("action_id", Lists.longParam(ctx, "actionId"));
      Listing l = Lists.listing(ctx, f, Map.of("id", "id"), "id", "id", Set.of("actionId"));
      ctx.json(Lists.answer(ctx, l, db.tx(h -> expressions.page(h, l))));
    });
    r.post("/api/v1/expressions", ctx -> {
      ExpressionRow x = bodies.read(ctx, ExpressionBody.class).row();
      long id = db.tx(h -> {
        requireAction(h, x.actionId());
        return expressions.create(h, x);
      });
      created(ctx, find(id));
    });
    r.get("/api/v1/expressions/{id}", ctx -> ctx.json(find(id(ctx))));
    r.put("/api/v1/expressions/{id}", ctx -> update(ctx, id(ctx), bodies.read(ctx, ExpressionBody.class).row()));
    r.patch("/api/v1/expressions/{id}", ctx -> {
      long id = id(ctx);
      update(ctx, id, bodies.patch(ctx, ExpressionBody.of(find(id)), ExpressionBody.class).row());
    });
    r.delete("/api/v1/expressions/{id}", ctx -> {
      long id = id(ctx);
      require(db.tx(h -> expressions.delete(h, id)), "expression", id);
      ctx.json(deleted(id));
    });
  }

  private void update(Context ctx, long id, ExpressionRow x) {
    db.tx(h -> {
      requireAction(h, x.actionId());
      require(expressions.update(h, id, x), "expression", id);
      return null;
    });
    ctx.json(find(id));
  }

  private void requireAction(Handle h, long actionId) {
    if (actionId != 0 && actions.find(h, actionId).isEmpty()) {
      throw ApiException.badField("actionId", "names no action: " + actionId);
    }
  }

  private ExpressionRow find(long id) {
    return found(db.tx(h -> expressions.find(h, id)), "expression", id);
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "expression");
  }
}
