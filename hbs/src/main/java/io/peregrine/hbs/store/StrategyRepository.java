package io.peregrine.hbs.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL on {@code strategy}. */
public final class StrategyRepository {
  public List<StrategyRow> list(Handle h) {
    return h.createQuery("SELECT " + StrategyRow.COLUMNS + " FROM strategy ORDER BY id").map(StrategyRow.MAPPER)
        .list();
  }

  public List<StrategyRow> listOfTemplate(Handle h, long templateId) {
    return h.createQuery("SELECT " + StrategyRow.COLUMNS + " FROM strategy WHERE tpl_id = :t ORDER BY id")
        .bind("t", templateId).map(StrategyRow.MAPPER).list();
  }

  public Optional<StrategyRow> find(Handle h, long id) {
    return h.createQuery("SELECT " + StrategyRow.COLUMNS + " FROM strategy WHERE id = :id").bind("id", id)
        .map(StrategyRow.MAPPER).findOne();
  }

  /** Inserts {@code s} (its id is ignored) and returns the new id. */
  public long create(Handle h, StrategyRow s) {
    return h.createUpdate("INSERT INTO strategy (metric, tags, max_step, priority, func, op, right_value, note, "
            + "run_begin, run_end, tpl_id) VALUES (:metric, :tags, :maxStep, :priority, :func, :op, :right, :note, "
            + ":runBegin, :runEnd, :tpl)")
        .bind("metric", s.metric()).bind("tags", s.tags()).bind("maxStep", s.maxStep())
        .bind("priority", s.priority()).bind("func", s.func()).bind("op", s.operator())
        .bind("right", s.rightValue()).bind("note", s.note()).bind("runBegin", s.runBegin())
        .bind("runEnd", s.runEnd()).bind("tpl", s.templateId())
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  public boolean delete(Handle h, long id) {
    return h.createUpdate("DELETE FROM strategy WHERE id = :id").bind("id", id).execute() > 0;
  }

  public Page<StrategyRow> page(Handle h, Listing l) {
    return new Page<>(l.rows(h, "SELECT " + StrategyRow.COLUMNS + " FROM strategy", StrategyRow.MAPPER),
        Listing.count(h, "strategy", l.filter()));
  }

  /** Replaces every field of strategy {@code id} with those of {@code s}. */
  public boolean update(Handle h, long id, StrategyRow s) {
    return h.createUpdate("UPDATE strategy SET metric = :metric, tags = :tags, max_step = :maxStep, "
            + "priority = :priority, func = :func, op = :op, right_value = :right, note = :note, "
            + "run_begin = :runBegin, run_end = :runEnd, tpl_id = :tpl WHERE id = :id")
        .bind("metric", s.metric()).bind("tags", s.tags()).bind("maxStep", s.maxStep())
        .bind("priority", s.priority()).bind("func", s.func()).bind("op", s.operator())
        .bind("right", s.rightValue()).bind("note", s.note()).bind("runBegin", s.runBegin())
        .bind("runEnd", s.runEnd()).bind("tpl", s.templateId()).bind("id", id)
        .execute() > 0;
  }
}
