package io.peregrine.hbs.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * One page of hosts with their groups, for the console's Hosts page: filtered by a substring of the name or IP
 * (case-insensitive) and, when asked, to hosts whose last heartbeat is older than a cutoff (or that never
 * heartbeated), counted, then the page's groups in one query. At 10,000 hosts the substring filter scans the
 * table, a few milliseconds; the page and its groups are index lookups.
 */
public final class HostOverviewRepository {
  /** A host and the names of its groups, sorted. */
  public record Entry(HostRow host, List<String> groups) {
  }

  /** A page and how many hosts the filter keeps. */
  public record Result(List<Entry> entries, long total) {
  }

  /**
   * @param search substring of hostname or ip; empty = every host
   * @param lostBefore when not null, only hosts whose last heartbeat is before it or that never heartbeated
   * @param oldestFirst order by last heartbeat (never first) instead of by name
   */
  public Result page(Handle h, String search, Instant lostBefore, boolean oldestFirst, int limit, long offset) {
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    if (!search.isEmpty()) {
      where.append(" AND (LOWER(hostname) LIKE :q ESCAPE '!' OR ip LIKE :q ESCAPE '!')");
    }
    if (lostBefore != null) {
      where.append(" AND (update_at IS NULL OR update_at < :cutoff)");
    }
    String order = oldestFirst ? " ORDER BY CASE WHEN update_at IS NULL THEN 0 ELSE 1 END, update_at, id"
        : " ORDER BY hostname, id";
    Query rows = h.createQuery("SELECT " + HostRow.COLUMNS + " FROM host" + where + order
        + " LIMIT :limit OFFSET :offset").bind("limit", limit).bind("offset", offset);
    Query count = h.createQuery("SELECT COUNT(*) FROM host" + where);
    for (Query q : List.of(rows, count)) {
      if (!search.isEmpty()) {
        q.bind("q", "%" + like(search.toLowerCase(Locale.ROOT)) + "%");
      }
      if (lostBefore != null) {
        q.bind("cutoff", Timestamp.from(lostBefore));
      }
    }
    List<HostRow> hosts = rows.map(HostRow.MAPPER).list();
    long total = count.mapTo(Long.class).one();
    Map<Long, List<String>> groups = new LinkedHashMap<>();
    if (!hosts.isEmpty()) {
      h.createQuery("SELECT gh.host_id, g.grp_name FROM grp_host gh JOIN grp g ON g.id = gh.grp_id "
              + "WHERE gh.host_id IN (<ids>) ORDER BY g.grp_name")
          .bindList("ids", hosts.stream().map(HostRow::id).toList())
          .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2)))
          .forEach(e -> groups.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    }
    return new Result(hosts.stream().map(r -> new Entry(r, groups.getOrDefault(r.id(), List.of()))).toList(), total);
  }

  /** LIKE's wildcards in the search are matched literally ({@code !} is the escape). */
  static String like(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }
}
