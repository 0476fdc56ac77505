package io.peregrine.hbs.store;

import io.peregrine.hbs.auth.Role;
import org.jdbi.v3.core.mapper.RowMapper;

/** A user with what the contacts ({@link UserRow}) leave out: the role and whether a password is set. */
public record AccountRow(UserRow user, Role role, boolean hasPassword) {
  static final String COLUMNS = UserRow.COLUMNS + ", u.role, CASE WHEN u.passwd IS NULL THEN 0 ELSE 1 END AS has_pw";

  static final RowMapper<AccountRow> MAPPER = (rs, ctx) -> new AccountRow(UserRow.MAPPER.map(rs, ctx),
      Role.of(rs.getInt("role")), rs.getInt("has_pw") == 1);
}
