package io.peregrine.hbs.store;

import org.jdbi.v3.core.mapper.RowMapper;

/**
 * A row of Open-Falcon's {@code mockcfg}: for the series {@code metric}/{@code tags} of the endpoints named by
 * {@code obj} ({@code obj_type} host: hostnames; group: group names; other: endpoint names; one per line or comma
 * separated), inject {@code mock} when the series is silent.
 */
public record MockcfgRow(long id, String name, String obj, String objType, String metric, String tags,
    String dstype, int step, double mock) {

  static final String COLUMNS = "id, name, obj, obj_type, metric, tags, dstype, step, mock";

  static final RowMapper<MockcfgRow> MAPPER = (rs, ctx) -> new MockcfgRow(rs.getLong("id"), rs.getString("name"),
      rs.getString("obj"), rs.getString("obj_type"), rs.getString("metric"), rs.getString("tags"),
      rs.getString("dstype"), rs.getInt("step"), rs.getDouble("mock"));
}
