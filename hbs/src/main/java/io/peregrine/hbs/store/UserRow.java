package io.peregrine.hbs.store;

import org.jdbi.v3.core.mapper.RowMapper;

/** A row of Open-Falcon's {@code user} table (uic): who can be told about an event and how. */
public record UserRow(long id, String name, String cnname, String email, String phone, String im) {
  static final String COLUMNS = "u.id, u.name, u.cnname, u.email, u.phone, u.im";

  static final RowMapper<UserRow> MAPPER = (rs, ctx) -> new UserRow(rs.getLong("id"), rs.getString("name"),
      rs.getString("cnname"), rs.getString("email"), rs.getString("phone"), rs.getString("im"));
}
