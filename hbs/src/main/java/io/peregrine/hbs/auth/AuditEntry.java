package io.peregrine.hbs.auth;

import org.jdbi.v3.core.mapper.RowMapper;

/**
 * One write through the admin API: when ({@code at}, unix milliseconds), who ({@code actor}, the token used), what
 * ({@code method} and {@code path}, the {@code entity} and its id, 0 when the path names none, the request body with
 * secrets masked) and the status it answered.
 */
public record AuditEntry(long id, long at, String actor, long tokenId, String method, String path, String entity,
    long entityId, int status, String body) {
  static final String COLUMNS = "id, created_at, actor, token_id, method, path, entity, entity_id, status, body";

  static final RowMapper<AuditEntry> MAPPER = (rs, ctx) -> new AuditEntry(rs.getLong("id"),
      rs.getLong("created_at"), rs.getString("actor"), rs.getLong("token_id"), rs.getString("method"),
      rs.getString("path"), rs.getString("entity"), rs.getLong("entity_id"), rs.getInt("status"),
      rs.getString("body"));
}
