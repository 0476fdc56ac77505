package io.peregrine.hbs.store;

import org.jdbi.v3.core.mapper.RowMapper;

/** An {@code expression} row: a strategy over a tag selector such as {@code each(metric=qps service=api)}. */
public record ExpressionRow(long id, String expression, String func, String operator, String rightValue,
    int maxStep, int priority, String note, long actionId, String createUser, boolean pause) {

  static final String COLUMNS = "id, expression, func, op, right_value, max_step, priority, note, action_id, "
      + "create_user, pause";

  static final RowMapper<ExpressionRow> MAPPER = (rs, ctx) -> new ExpressionRow(rs.getLong("id"),
      rs.getString("expression"), rs.getString("func"), rs.getString("op"), rs.getString("right_value"),
      rs.getInt("max_step"), rs.getInt("priority"), rs.getString("note"), rs.getLong("action_id"),
      rs.getString("create_user"), rs.getInt("pause") != 0);
}
