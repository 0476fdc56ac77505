package io.peregrine.hbs.admin;

import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.StrategyRepository;
import io.peregrine.hbs.store.StrategyRow;
import io.peregrine.hbs.store.TemplateRepository;
import java.io.IOException;
import java.util.Map;

/**
 * {@code /api/v1/strategies}: alert rules of a template. GET lists them ({@code ?templateId=} for one template),
 * POST adds one after checking every field, DELETE {id} removes one.
 */
final class StrategiesHandler extends ApiHandler {
  private final StrategyRepository strategies = new StrategyRepository();
  private final TemplateRepository templates = new TemplateRepository();

  StrategiesHandler(Database db, Runnable onChange) {
    super("/api/v1/strategies", db, onChange);
  }

  @Override
  Reply route(ApiRequest r) throws IOException {
    if (r.is("GET", 0)) {
      String t = r.query().get("templateId");
      if (t == null) {
        return Reply.ok(db.tx(strategies::list));
      }
      long templateId;
      try {
        templateId = Long.parseLong(t);
      } catch (NumberFormatException e) {
        throw new ApiException(400, "templateId", "query parameter 'templateId' must be a number, got '" + t + "'");
      }
      return Reply.ok(db.tx(h -> strategies.listOfTemplate(h, templateId)));
    }
    if (r.is("GET", 1)) {
      long id = r.id(0, "strategy");
      return Reply.ok(db.tx(h -> strategies.find(h, id)).orElseThrow(() -> ApiException.notFound("strategy " + id)));
    }
    if (r.is("POST", 0)) {
      StrategyRow s = read(r.body());
      long id = db.tx(h -> {
        if (templates.find(h, s.templateId()).isEmpty()) {
          throw ApiException.badField("templateId", "names no template: " + s.templateId());
        }
        return strategies.create(h, s);
      });
      return Reply.created(db.tx(h -> strategies.find(h, id)).orElseThrow());
    }
    if (r.is("DELETE", 1)) {
      long id = r.id(0, "strategy");
      if (!db.tx(h -> strategies.delete(h, id))) {
        throw ApiException.notFound("strategy " + id);
      }
      return Reply.ok(Map.of("deleted", id));
    }
    throw notAllowed(r);
  }

  private static StrategyRow read(JsonBody body) {
    long templateId = body.integer("templateId", 1, Long.MAX_VALUE);
    String metric = StrategyRules.metric(body, "metric");
    String tags = StrategyRules.tags(body, "tags", metric);
    String func = StrategyRules.func(body, "func");
    String op = StrategyRules.operator(body, "operator");
    String right = StrategyRules.rightValue(body, "rightValue");
    int maxStep = StrategyRules.maxStep(body, "maxStep");
    int priority = StrategyRules.priority(body, "priority");
    String note = StrategyRules.note(body, "note");
    String[] window = StrategyRules.runWindow(body, "runBegin", "runEnd");
    body.finish();
    return new StrategyRow(0, metric, tags, maxStep, priority, func, op, right, note, window[0], window[1],
        templateId);
  }
}
