package io.peregrine.hbs.store;

import org.jdbi.v3.core.mapper.RowMapper;

/**
 * A {@code strategy} row. {@code rightValue} stays text as in Open-Falcon's schema (so its dumps load as they are);
 * hbs writes only numbers there, and the resolver skips a hand-edited row it cannot read.
 */
public record StrategyRow(long id, String metric, String tags, int maxStep, int priority, String func,
    String operator, String rightValue, String note, String runBegin, String runEnd, long templateId) {

  static final String COLUMNS = "id, metric, tags, max_step, priority, func, op, right_value, note, run_begin, "
      + "run_end, tpl_id";

  static final RowMapper<StrategyRow> MAPPER = (rs, ctx) -> new StrategyRow(rs.getLong("id"), rs.getString("metric"),
      rs.getString("tags"), rs.getInt("max_step"), rs.getInt("priority"), rs.getString("func"), rs.getString("op"),
      rs.getString("right_value"), rs.getString("note"), rs.getString("run_begin"), rs.getString("run_end"),
      rs.getLong("tpl_id"));
}
