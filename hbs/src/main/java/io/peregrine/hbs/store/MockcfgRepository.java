package io.peregrine.hbs.store;

import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** SQL on {@code mockcfg} (read only: rows are written by Open-Falcon's tools or by SQL). */
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
}
