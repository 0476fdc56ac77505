package io.peregrine.hbs.store;

import java.sql.Timestamp;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * A {@code host} row. Maintenance times are unix seconds (0 = none); {@code updateAt} is the last heartbeat in
 * unix seconds (0 = never heartbeated, e.g. bound to a group by name only).
 */
public record HostRow(long id, String hostname, String ip, String agentVersion, String pluginVersion,
    long maintainBegin, long maintainEnd, long updateAt) {

  static final String COLUMNS = "id, hostname, ip, agent_version, plugin_version, maintain_begin, maintain_end, "
      + "update_at";

  static final RowMapper<HostRow> MAPPER = (rs, ctx) -> {
    Timestamp at = rs.getTimestamp("update_at");
    return new HostRow(rs.getLong("id"), rs.getString("hostname"), rs.getString("ip"),
        rs.getString("agent_version"), rs.getString("plugin_version"), rs.getLong("maintain_begin"),
        rs.getLong("maintain_end"), at == null ? 0 : at.toInstant().getEpochSecond());
  };

  /** True while the host is in its maintenance window: hbs sends no strategies for it, so nothing alerts. */
  public boolean inMaintenance(long nowSeconds) {
    return maintainEnd > 0 && maintainBegin <= nowSeconds && nowSeconds <= maintainEnd;
  }
}
