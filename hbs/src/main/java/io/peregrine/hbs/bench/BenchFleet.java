package io.peregrine.hbs.bench;

import io.peregrine.hbs.store.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * A synthetic fleet written straight into hbs's tables with JDBC batches (the admin API would take minutes for
 * 100,000 hosts): {@code hosts} hosts {@code bench-000001..} spread round robin over {@code groups} groups, each group
 * bound to one of {@code templates} templates, each template holding {@code strategies / templates} strategies
 * (a quarter of them agent checks on {@code net.port.listen}, so agent configs carry builtin items).
 */
public record BenchFleet(int hosts, int groups, int templates, int strategies) {
  private static final int CHUNK = 1_000;

  public BenchFleet {
    if (hosts < 1 || groups < 1 || templates < 1 || strategies < templates) {
      throw new IllegalArgumentException("a fleet needs hosts, groups, templates >= 1 and strategies >= templates");
    }
  }

  public static String hostname(int i) {
    return String.format("bench-%06d", i + 1);
  }

  /** Writes the fleet into an empty store; returns host ids in hostname order. */
  public List<Long> write(Database db) {
    return db.tx(h -> {
      List<Long> tpl = new ArrayList<>();
      for (int t = 0; t < templates; t++) {
        tpl.add(h.createUpdate("INSERT INTO tpl (tpl_name, create_user) VALUES (:n, 'bench')")
            .bind("n", "bench-tpl-" + t).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
      }
      PreparedBatch s = h.prepareBatch("INSERT INTO strategy (metric, tags, max_step, priority, func, op, "
          + "right_value, note, run_begin, run_end, tpl_id) VALUES (:m, :tags, 3, 2, 'all(#3)', '>', '90', '', '', "
          + "'', :tpl)");
      int per = strategies / templates;
      for (int t = 0; t < templates; t++) {
        for (int i = 0; i < per; i++) {
          boolean check = i % 4 == 0;
          s.bind("m", check ? "net.port.listen" : "bench.m" + i).bind("tags", check ? "port=" + (8000 + i) : "")
              .bind("tpl", tpl.get(t)).add();
        }
      }
      s.execute();
      List<Long> grp = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        long id = h.createUpdate("INSERT INTO grp (grp_name, create_user) VALUES (:n, 'bench')")
            .bind("n", "bench-grp-" + g).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        grp.add(id);
        h.createUpdate("INSERT INTO grp_tpl (grp_id, tpl_id, bind_user) VALUES (:g, :t, 'bench')").bind("g", id)
            .bind("t", tpl.get(g % templates)).execute();
        h.createUpdate("INSERT INTO plugin_dir (grp_id, dir, create_user) VALUES (:g, :d, 'bench')").bind("g", id)
            .bind("d", "bench/" + g).execute();
      }
      for (int from = 0; from < hosts; from += CHUNK) {
        PreparedBatch b = h.prepareBatch("INSERT INTO host (hostname) VALUES (:n)");
        for (int i = from; i < Math.min(hosts, from + CHUNK); i++) {
          b.bind("n", hostname(i)).add();
        }
        b.execute();
      }
      Map<String, Long> ids = h.createQuery("SELECT id, hostname FROM host").map((rs, ctx) ->
          Map.entry(rs.getString(2), rs.getLong(1))).stream().collect(Collectors.toMap(Map.Entry::getKey,
          Map.Entry::getValue));
      List<Long> ordered = new ArrayList<>(hosts);
      for (int from = 0; from < hosts; from += CHUNK) {
        PreparedBatch b = h.prepareBatch("INSERT INTO grp_host (grp_id, host_id) VALUES (:g, :h)");
        for (int i = from; i < Math.min(hosts, from + CHUNK); i++) {
          long id = ids.get(hostname(i));
          ordered.add(id);
          b.bind("g", grp.get(i % groups)).bind("h", id).add();
        }
        b.execute();
      }
      return ordered;
    });
  }
}
