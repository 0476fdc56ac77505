package io.peregrine.hbs.store;

import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** SQL on {@code mockcfg}: nodata configs, written by the admin API (or by Open-Falcon's tools, or by SQL). */
public final class MockcfgRepository {
  public List<MockcfgRow> list(Handle h) {
    return h.createQuery("SELECT " + MockcfgRow.COLUMNS + " FROM mockcfg ORDER BY id").map(MockcfgRow.MAPPER).list();
  }

  /** (group name, hostname) for every host in a group. */
  public List<Map.Entry<String, String>> groupHosts(Handle h) {
    return h.createQuery("SELECT g.grp_name, ho.hostname FROM grp g JOIN grp_host gh ON gh.grp_id = g.id "
            + "JOIN host ho ON ho.id = gh.host_id ORDER BY g.grp_name, ho.hostname")
        .map((rs, ctx) -> Map.entry(rs.getString("grp_name"), rs.getString("hostname"))).list();
  }

  public Page<MockcfgRow> page(Handle h, Listing l) {
    return new Page<>(l.rows(h, "SELECT " + MockcfgRow.COLUMNS + " FROM mockcfg", MockcfgRow.MAPPER),
        Listing.count(h, "mockcfg", l.filter()));
  }

  public java.util.Optional<MockcfgRow> find(Handle h, long id) {
    return h.createQuery("SELECT " + MockcfgRow.COLUMNS + " FROM mockcfg WHERE id = :id").bind("id", id)
        .map(MockcfgRow.MAPPER).findOne();
  }

  public long create(Handle h, MockcfgRow m, String creator) {
    return h.createUpdate("INSERT INTO mockcfg (name, obj, obj_type, metric, tags, dstype, step, mock, creator) "
            + "VALUES (:name, :obj, :objType, :metric, :tags, :dstype, :step, :mock, :creator)")
        .bind("name", m.name()).bind("obj", m.obj()).bind("objType", m.objType()).bind("metric", m.metric())
        .bind("tags", m.tags()).bind("dstype", m.dstype()).bind("step", m.step()).bind("mock", m.mock())
        .bind("creator", creator)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  public boolean update(Handle h, long id, MockcfgRow m) {
    return h.createUpdate("UPDATE mockcfg SET name = :name, obj = :obj, obj_type = :objType, metric = :metric, "
            + "tags = :tags, dstype = :dstype, step = :step, mock = :mock WHERE id = :id")
        .bind("name", m.name()).bind("obj", m.obj()).bind("objType", m.objType()).bind("metric", m.metric())
        .bind("tags", m.tags()).bind("dstype", m.dstype()).bind("step", m.step()).bind("mock", m.mock())
        .bind("id", id).execute() > 0;
  }

  public boolean delete(Handle h, long id) {
    return h.createUpdate("DELETE FROM mockcfg WHERE id = :id").bind("id", id).execute() > 0;
  }
}
