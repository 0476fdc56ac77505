package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.common.model.Limits;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.StrategyRepository;
import io.peregrine.hbs.store.StrategyRow;
import io.peregrine.hbs.store.TemplateRepository;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.Set;
import org.hibernate.validator.constraints.Range;

/**
 * {@code /api/v1/strategies}: alert rules of a template. Field rules are in {@link StrategyRules} (what a judge can
 * run) and on {@link StrategyBody} (presence, ranges, lengths); the template must exist.
 */
final class StrategiesApi extends Resource {
  record StrategyBody(@NotNull(message = "is required") @Positive Long templateId,
      @NotBlank(message = "is required") @Size(max = Limits.MAX_NAME_LENGTH) String metric,
      @Size(max = Limits.MAX_METRIC_AND_TAGS_LENGTH) String tags, @Size(max = 32) String func,
      @NotBlank(message = "is required") @Size(max = 2) String operator,
      @NotNull(message = "is required") Double rightValue,
      @Range(min = 0, max = 1_000_000) Integer maxStep,
      @NotNull(message = "is required") @Range(min = 0, max = 6) Integer priority,
      @Size(max = StrategyRules.MAX_NOTE_LENGTH) String note, @Size(max = 5) String runBegin,
      @Size(max = 5) String runEnd) {
    static StrategyBody of(StrategyRow s) {
      return new StrategyBody(s.templateId(), s.metric(), s.tags(), s.func(), s.operator(),
          Double.parseDouble(s.rightValue()), s.maxStep(), s.priority(), s.note(), s.runBegin(), s.runEnd());
    }

    /** The row to store, after the rules a judge depends on. */
    StrategyRow row() {
      String m = StrategyRules.metric("metric", metric);
      String[] window = StrategyRules.runWindow("runBegin", runBegin, "runEnd", runEnd);
      return new StrategyRow(0, m, StrategyRules.tags("tags", tags, m), maxStep == null ? 1 : maxStep, priority,
          StrategyRules.func("func", func), StrategyRules.operator("operator", operator),
          StrategyRules.rightValue("rightValue", rightValue), HostsApi.orEmpty(note), window[0], window[1],
          templateId);
    }
  }

  private final StrategyRepository strategies = new StrategyRepository();
  private final TemplateRepository templates = new TemplateRepository();

  StrategiesApi(Database db, Bodies bodies) {
    super(db, bodies);
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/strategies", ctx -> {
      Filter f = new Filter().eq("tpl_id", Lists.longParam(ctx, "templateId"))
          .eq("metric", Lists.textParam(ctx, "metric", Limits.MAX_NAME_LENGTH));
      Listing l = Lists.listing(ctx, f, Map.of("id", "id", "metric", "metric", "templateId", "tpl_id"), "id", "id",
          Set.of("templateId", "metric"));
      ctx.json(Lists.answer(ctx, l, db.tx(h -> strategies.page(h, l))));
    });
    r.post("/api/v1/strategies", ctx -> {
      StrategyRow s = bodies.read(ctx, StrategyBody.class).row();
      long id = db.tx(h -> {
        requireTemplate(h, s.templateId());
        return strategies.create(h, s);
      });
      created(ctx, find(id));
    });
    r.get("/api/v1/strategies/{id}", ctx -> ctx.json(find(id(ctx))));
    r.put("/api/v1/strategies/{id}", ctx -> update(ctx, id(ctx), bodies.read(ctx, StrategyBody.class).row()));
    r.patch("/api/v1/strategies/{id}", ctx -> {
      long id = id(ctx);
      update(ctx, id, bodies.patch(ctx, StrategyBody.of(find(id)), StrategyBody.class).row());
    });
    r.delete("/api/v1/strategies/{id}", ctx -> {
      long id = id(ctx);
      require(db.tx(h -> strategies.delete(h, id)), "strategy", id);
      ctx.json(deleted(id));
    });
  }

  private void update(Context ctx, long id, StrategyRow s) {
    db.tx(h -> {
      requireTemplate(h, s.templateId());
      require(strategies.update(h, id, s), "strategy", id);
      return null;
    });
    ctx.json(find(id));
  }

  private void requireTemplate(org.jdbi.v3.core.Handle h, long templateId) {
    if (templates.find(h, templateId).isEmpty()) {
      throw ApiException.badField("templateId", "names no template: " + templateId);
    }
  }

  private StrategyRow find(long id) {
    return found(db.tx(h -> strategies.find(h, id)), "strategy", id);
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "strategy");
  }
}
