package io.peregrine.hbs.store;

import org.jdbi.v3.core.mapper.RowMapper;

/** A {@code plugin_dir} row: a plugin directory the agents of the group's hosts run. */
public record PluginDirRow(long id, long groupId, String dir, String createUser) {
  static final String COLUMNS = "id, grp_id, dir, create_user";

  static final RowMapper<PluginDirRow> MAPPER = (rs, ctx) -> new PluginDirRow(rs.getLong("id"), rs.getLong("grp_id"),
      rs.getString("dir"), rs.getString("create_user"));
}
