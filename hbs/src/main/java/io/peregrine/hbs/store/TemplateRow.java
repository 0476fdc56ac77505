package io.peregrine.hbs.store;

import org.jdbi.v3.core.mapper.RowMapper;

/** A {@code tpl} row; {@code parentId} and {@code actionId} are 0 when unset, as in Open-Falcon. */
public record TemplateRow(long id, String name, long parentId, long actionId, String createUser) {
  static final String COLUMNS = "id, tpl_name, parent_id, action_id, create_user";

  static final RowMapper<TemplateRow> MAPPER = (rs, ctx) -> new TemplateRow(rs.getLong("id"),
      rs.getString("tpl_name"), rs.getLong("parent_id"), rs.getLong("action_id"), rs.getString("create_user"));
}
