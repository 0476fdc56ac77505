package io.peregrine.hbs.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL on {@code grp} and what hangs off it: {@code grp_host}, {@code grp_tpl}, {@code plugin_dir}. */
public final class GroupRepository {
  /** Names per lookup while binding: well inside every database's limit on bound parameters. */
  private static final int BIND_CHUNK = 500;

  private static final String SELECT = "SELECT id, grp_name, create_user FROM grp";
  private static final org.jdbi.v3.core.mapper.RowMapper<GroupRow> MAPPER = (rs, ctx) -> new GroupRow(
      rs.getLong("id"), rs.getString("grp_name"), rs.getString("create_user"), new ArrayList<>(), new ArrayList<>(),
      new ArrayList<>());

  public Page<GroupRow> page(Handle h, Listing l) {
    return new Page<>(assemble(h, l.rows(h, SELECT, MAPPER)), Listing.count(h, "grp", l.filter()));
  }

  public Optional<GroupRow> find(Handle h, long id) {
    List<GroupRow> one = h.createQuery(SELECT + " WHERE id = :id").bind("id", id).map(MAPPER).list();
    return assemble(h, one).stream().findFirst();
  }

  public boolean exists(Handle h, long id) {
    return h.createQuery("SELECT COUNT(*) FROM grp WHERE id = :id").bind("id", id).mapTo(Long.class).one() > 0;
  }

  public long create(Handle h, String name, String createUser) {
    return h.createUpdate("INSERT INTO grp (grp_name, create_user) VALUES (:name, :user)")
        .bind("name", name).bind("user", createUser)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  public Optional<Long> idOf(Handle h, String name) {
    return h.createQuery("SELECT id FROM grp WHERE grp_name = :name").bind("name", name).mapTo(Long.class)
        .findOne();
  }

  public long findOrCreate(Handle h, String name, String createUser) {
    return idOf(h, name).orElseGet(() -> create(h, name, createUser));
  }

  public boolean update(Handle h, long id, String name, String createUser) {
    return h.createUpdate("UPDATE grp SET grp_name = :name, create_user = :user WHERE id = :id")
        .bind("name", name).bind("user", createUser).bind("id", id).execute() > 0;
  }

  /** Deletes the group with its memberships, template bindings and plugin directories (hosts and templates stay). */
  public boolean delete(Handle h, long id) {
    for (String table : List.of("grp_host", "grp_tpl", "plugin_dir")) {
      h.createUpdate("DELETE FROM " + table + " WHERE grp_id = :id").bind("id", id).execute();
    }
    return h.createUpdate("DELETE FROM grp WHERE id = :id").bind("id", id).execute() > 0;
  }

  public boolean unbindHost(Handle h, long groupId, long hostId) {
    return h.createUpdate("DELETE FROM grp_host WHERE grp_id = :g AND host_id = :h")
        .bind("g", groupId).bind("h", hostId).execute() > 0;
  }

  public boolean unbindTemplate(Handle h, long groupId, long templateId) {
    return h.createUpdate("DELETE FROM grp_tpl WHERE grp_id = :g AND tpl_id = :t")
        .bind("g", groupId).bind("t", templateId).execute() > 0;
  }

  /** Names of the groups a template is bound to, sorted. */
  public List<String> namesBoundTo(Handle h, long templateId) {
    return h.createQuery("SELECT g.grp_name FROM grp g JOIN grp_tpl gt ON gt.grp_id = g.id WHERE gt.tpl_id = :t "
        + "ORDER BY g.grp_name").bind("t", templateId).mapTo(String.class).list();
  }

  /** Binds a host to a group; false when it already was. */
  public boolean bindHost(Handle h, long groupId, long hostId) {
    long n = h.createQuery("SELECT COUNT(*) FROM grp_host WHERE grp_id = :g AND host_id = :h")
        .bind("g", groupId).bind("h", hostId).mapTo(Long.class).one();
    if (n > 0) {
      return false;
    }
    h.createUpdate("INSERT INTO grp_host (grp_id, host_id) VALUES (:g, :h)")
        .bind("g", groupId).bind("h", hostId).execute();
    return true;
  }

  /**
   * Binds hosts by name, adding names never seen as hosts: a few set-based statements per 500 names (lookup, batch
   * insert of the new hosts, lookup of the bindings, batch insert of the new bindings) instead of three statements per
   * name. Returns how many bindings are new. On MariaDB's case-insensitive collation a name that differs from a
   * stored one only in case is a conflict (409), not a bind of the stored host.
   */
  public int bindHosts(Handle h, long groupId, List<String> hostnames, HostRepository hosts) {
    List<String> names = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(hostnames));
    int bound = 0;
    for (int from = 0; from < names.size(); from += BIND_CHUNK) {
      List<String> chunk = names.subList(from, Math.min(names.size(), from + BIND_CHUNK));
      Map<String, Long> ids = idsByName(h, chunk);
      List<String> missing = chunk.stream().filter(n -> !ids.containsKey(n)).toList();
      if (!missing.isEmpty()) {
        var insert = h.prepareBatch("INSERT INTO host (hostname) VALUES (:n)");
        missing.forEach(n -> insert.bind("n", n).add());
        insert.execute();
        ids.putAll(idsByName(h, missing));
      }
      List<Long> hostIds = new java.util.ArrayList<>();
      for (String n : chunk) {
        hostIds.add(ids.containsKey(n) ? ids.get(n) : hosts.findOrCreate(h, n));
      }
      java.util.Set<Long> already = new java.util.HashSet<>(h.createQuery("SELECT host_id FROM grp_host "
              + "WHERE grp_id = :g AND host_id IN (<ids>)").bind("g", groupId).bindList("ids", hostIds)
          .mapTo(Long.class).list());
      var bind = h.prepareBatch("INSERT INTO grp_host (grp_id, host_id) VALUES (:g, :h)");
      int added = 0;
      for (long id : new java.util.LinkedHashSet<>(hostIds)) {
        if (already.add(id)) {
          bind.bind("g", groupId).bind("h", id).add();
          added++;
        }
      }
      if (added > 0) {
        bind.execute();
      }
      bound += added;
    }
    return bound;
  }

  private static Map<String, Long> idsByName(Handle h, List<String> names) {
    Map<String, Long> out = new java.util.HashMap<>();
    h.createQuery("SELECT id, hostname FROM host WHERE hostname IN (<names>)").bindList("names", names)
        .map((rs, ctx) -> Map.entry(rs.getString(2), rs.getLong(1))).forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** Binds a template to a group; false when it already was. */
  public boolean bindTemplate(Handle h, long groupId, long templateId, String bindUser) {
    long n = h.createQuery("SELECT COUNT(*) FROM grp_tpl WHERE grp_id = :g AND tpl_id = :t")
        .bind("g", groupId).bind("t", templateId).mapTo(Long.class).one();
    if (n > 0) {
      return false;
    }
    h.createUpdate("INSERT INTO grp_tpl (grp_id, tpl_id, bind_user) VALUES (:g, :t, :u)")
        .bind("g", groupId).bind("t", templateId).bind("u", bindUser).execute();
    return true;
  }

  public long addPluginDir(Handle h, long groupId, String dir, String createUser) {
    return h.createUpdate("INSERT INTO plugin_dir (grp_id, dir, create_user) VALUES (:g, :dir, :u)")
        .bind("g", groupId).bind("dir", dir).bind("u", createUser)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  public boolean hostHasGroup(Handle h, long hostId) {
    return h.createQuery("SELECT COUNT(*) FROM grp_host WHERE host_id = :h").bind("h", hostId).mapTo(Long.class)
        .one() > 0;
  }

  public List<String> pluginDirsOfHost(Handle h, long hostId) {
    return h.createQuery("SELECT DISTINCT p.dir FROM plugin_dir p JOIN grp_host gh ON gh.grp_id = p.grp_id "
            + "WHERE gh.host_id = :h ORDER BY p.dir")
        .bind("h", hostId).mapTo(String.class).list();
  }

  public List<Long> templateIdsOfHost(Handle h, long hostId) {
    return h.createQuery("SELECT DISTINCT gt.tpl_id FROM grp_tpl gt JOIN grp_host gh ON gh.grp_id = gt.grp_id "
            + "WHERE gh.host_id = :h ORDER BY gt.tpl_id")
        .bind("h", hostId).mapTo(Long.class).list();
  }

  /** Every (host name, template id) pair of the host-group-template graph, for the resolver. */
  public List<Map.Entry<String, Long>> hostTemplatePairs(Handle h) {
    return h.createQuery("SELECT DISTINCT ho.hostname, gt.tpl_id FROM host ho "
            + "JOIN grp_host gh ON gh.host_id = ho.id JOIN grp_tpl gt ON gt.grp_id = gh.grp_id")
        .map((rs, ctx) -> Map.entry(rs.getString("hostname"), rs.getLong("tpl_id"))).list();
  }

  /** Fills in the hosts, template ids and plugin directories of {@code groups}, with one query each. */
  private static List<GroupRow> assemble(Handle h, List<GroupRow> groups) {
    if (groups.isEmpty()) {
      return List.of();
    }
    Map<Long, GroupRow> byId = new LinkedHashMap<>();
    groups.forEach(g -> byId.put(g.id(), g));
    List<Long> ids = List.copyOf(byId.keySet());
    h.createQuery("SELECT gh.grp_id, ho.hostname FROM grp_host gh JOIN host ho ON ho.id = gh.host_id "
            + "WHERE gh.grp_id IN (<ids>) ORDER BY ho.hostname").bindList("ids", ids)
        .map((rs, ctx) -> Map.entry(rs.getLong("grp_id"), rs.getString("hostname")))
        .forEach(e -> byId.get(e.getKey()).hosts().add(e.getValue()));
    h.createQuery("SELECT grp_id, tpl_id FROM grp_tpl WHERE grp_id IN (<ids>) ORDER BY tpl_id").bindList("ids", ids)
        .map((rs, ctx) -> Map.entry(rs.getLong("grp_id"), rs.getLong("tpl_id")))
        .forEach(e -> byId.get(e.getKey()).templateIds().add(e.getValue()));
    h.createQuery("SELECT grp_id, dir FROM plugin_dir WHERE grp_id IN (<ids>) ORDER BY dir").bindList("ids", ids)
        .map((rs, ctx) -> Map.entry(rs.getLong("grp_id"), rs.getString("dir")))
        .forEach(e -> byId.get(e.getKey()).pluginDirs().add(e.getValue()));
    return List.copyOf(byId.values());
  }
}
