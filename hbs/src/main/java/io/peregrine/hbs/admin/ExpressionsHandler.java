package io.peregrine.hbs.admin;

import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.ExpressionRepository;
import io.peregrine.hbs.store.ExpressionRow;
import java.io.IOException;

/** {@code /api/v1/expressions}: strategies over a tag selector, not bound to hosts; GET lists, POST adds. */
final class ExpressionsHandler extends ApiHandler {
  private final ExpressionRepository expressions = new ExpressionRepository();
  private final ActionRepository actions = new ActionRepository();

  ExpressionsHandler(Database db, Runnable onChange) {
    super("/api/v1/expressions", db, onChange);
  }

  @Override
  Reply route(ApiRequest r) throws IOException {
    if (r.is("GET", 0)) {
      return Reply.ok(db.tx(expressions::list));
    }
    if (r.is("POST", 0)) {
      ExpressionRow x = read(r.body());
      long id = db.tx(h -> {
        if (x.actionId() != 0 && actions.find(h, x.actionId()).isEmpty()) {
          throw ApiException.badField("actionId", "names no action: " + x.actionId());
        }
        return expressions.create(h, x);
      });
      return Reply.created(db.tx(h -> expressions.find(h, id)).orElseThrow());
    }
    throw notAllowed(r);
  }

  private static ExpressionRow read(JsonBody body) {
    String expression = StrategyRules.expression(body, "expression");
    String func = StrategyRules.func(body, "func");
    String op = StrategyRules.operator(body, "operator");
    String right = StrategyRules.rightValue(body, "rightValue");
    int maxStep = StrategyRules.maxStep(body, "maxStep");
    int priority = StrategyRules.priority(body, "priority");
    String note = StrategyRules.note(body, "note");
    long actionId = body.integer("actionId", 0, 0, Long.MAX_VALUE);
    String createUser = body.text("createUser", "", 64);
    boolean pause = body.flag("pause", false);
    body.finish();
    return new ExpressionRow(0, expression, func, op, right, maxStep, priority, note, actionId, createUser, pause);
  }
}
