package io.peregrine.hbs.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL on {@code expression}. */
public final class ExpressionRepository {
  public List<ExpressionRow> list(Handle h) {
    return h.createQuery("SELECT " + ExpressionRow.COLUMNS + " FROM expression ORDER BY id")
        .map(ExpressionRow.MAPPER).list();
  }

  public Optional<ExpressionRow> find(Handle h, long id) {
    return h.createQuery("SELECT " + ExpressionRow.COLUMNS + " FROM expression WHERE id = :id").bind("id", id)
        .map(ExpressionRow.MAPPER).findOne();
  }

  /** Inserts {@code e} (its id is ignored) and returns the new id. */
  public long create(Handle h, ExpressionRow e) {
    return h.createUpdate("INSERT INTO expression (expression, func, op, right_value, max_step, priority, note, "
            + "action_id, create_user, pause) VALUES (:expression, :func, :op, :right, :maxStep, :priority, :note, "
            + ":action, :user, :pause)")
        .bind("expression", e.expression()).bind("func", e.func()).bind("op", e.operator())
        .bind("right", e.rightValue()).bind("maxStep", e.maxStep()).bind("priority", e.priority())
        .bind("note", e.note()).bind("action", e.actionId()).bind("user", e.createUser())
        .bind("pause", e.pause() ? 1 : 0)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  public Page<ExpressionRow> page(Handle h, Listing l) {
    return new Page<>(l.rows(h, "SELECT " + ExpressionRow.COLUMNS + " FROM expression", ExpressionRow.MAPPER),
        Listing.count(h, "expression", l.filter()));
  }

  public boolean update(Handle h, long id, ExpressionRow e) {
    return h.createUpdate("UPDATE expression SET expression = :expression, func = :func, op = :op, "
            + "right_value = :right, max_step = :maxStep, priority = :priority, note = :note, action_id = :action, "
            + "create_user = :user, pause = :pause WHERE id = :id")
        .bind("expression", e.expression()).bind("func", e.func()).bind("op", e.operator())
        .bind("right", e.rightValue()).bind("maxStep", e.maxStep()).bind("priority", e.priority())
        .bind("note", e.note()).bind("action", e.actionId()).bind("user", e.createUser())
        .bind("pause", e.pause() ? 1 : 0).bind("id", id)
        .execute() > 0;
  }

  public boolean delete(Handle h, long id) {
    return h.createUpdate("DELETE FROM expression WHERE id = :id").bind("id", id).execute() > 0;
  }

  /** Ids of the expressions that name the action. */
  public List<Long> idsUsingAction(Handle h, long actionId) {
    return h.createQuery("SELECT id FROM expression WHERE action_id = :a ORDER BY id").bind("a", actionId)
        .mapTo(Long.class).list();
  }
}
