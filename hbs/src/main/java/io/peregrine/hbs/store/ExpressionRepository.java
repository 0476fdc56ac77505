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
}
