package io.peregrine.hbs.resolve;

import io.peregrine.proto.v1.AgentConfig;
import io.peregrine.proto.v1.BuiltinItem;
import io.peregrine.proto.v1.Strategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * What a heartbeat needs to answer without SQL: every host's id and groups, each group's plugin directories and
 * templates, read in the refresher's transaction at each rebuild. The agent config answered to a set of groups is
 * built once per set and kept until the next rebuild makes a new directory (so the cache is versioned by the
 * strategy set: a new set, a new cache), which is what lets 100,000 agents heartbeat without a query each.
 */
public final class HostDirectory {
  /** Metrics the agent collects only when a strategy names them (Open-Falcon's builtin items). */
  public static final Set<String> BUILTIN_METRICS = Set.of("net.port.listen", "proc.num", "du.bs", "url.check.health");
  private static final long[] NO_GROUPS = new long[0];

  /** A known host: its id and its groups' ids, sorted. */
  public record Host(long id, long[] groups) {
  }

  private final Map<String, Host> hosts;
  private final Map<Long, List<String>> pluginDirs;
  private final Map<Long, List<Long>> templates;
  private final TemplateTree tree;
  private final long version;
  private final List<String> trustedIps;
  private final Map<String, AgentConfig> configs = new ConcurrentHashMap<>();

  private HostDirectory(Map<String, Host> hosts, Map<Long, List<String>> pluginDirs, Map<Long, List<Long>> templates,
      TemplateTree tree, long version, List<String> trustedIps) {
    this.hosts = hosts;
    this.trustedIps = List.copyOf(trustedIps);
    this.pluginDirs = pluginDirs;
    this.templates = templates;
    this.tree = tree;
    this.version = version;
  }

  public static HostDirectory empty() {
    return new HostDirectory(Map.of(), Map.of(), Map.of(), new TemplateTree(List.of(), List.of()), 0, List.of());
  }

  /** Reads the host-group graph; {@link #with} adds the strategy set built from the same transaction. */
  public static HostDirectory read(Handle h) {
    Map<String, List<Long>> groupsOf = new HashMap<>();
    Map<String, Long> ids = new HashMap<>();
    h.createQuery("SELECT ho.id, ho.hostname, gh.grp_id FROM host ho LEFT JOIN grp_host gh ON gh.host_id = ho.id")
        .map((rs, ctx) -> {
          String name = rs.getString("hostname");
          ids.put(name, rs.getLong("id"));
          long g = rs.getLong("grp_id");
          if (!rs.wasNull()) {
            groupsOf.computeIfAbsent(name, k -> new ArrayList<>()).add(g);
          }
          return null;
        }).forEach(x -> { });
    Map<String, Host> hosts = new HashMap<>(ids.size() * 2);
    ids.forEach((name, id) -> {
      List<Long> gs = groupsOf.get(name);
      long[] sorted = gs == null ? NO_GROUPS : gs.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
      hosts.put(name, new Host(id, sorted));
    });
    Map<Long, List<String>> dirs = new HashMap<>();
    h.createQuery("SELECT grp_id, dir FROM plugin_dir").map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2)))
        .forEach(e -> dirs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    Map<Long, List<Long>> tpls = new HashMap<>();
    h.createQuery("SELECT grp_id, tpl_id FROM grp_tpl").map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getLong(2)))
        .forEach(e -> tpls.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return new HostDirectory(hosts, dirs, tpls, new TemplateTree(List.of(), List.of()), 0, List.of());
  }

  /** This graph with the strategy set's template tree and version, answering {@code trustedIps} to every agent. */
  public HostDirectory with(TemplateTree tree, long version, List<String> trustedIps) {
    return new HostDirectory(hosts, pluginDirs, templates, tree, version, trustedIps);
  }

  public Optional<Host> find(String hostname) {
    return Optional.ofNullable(hosts.get(hostname));
  }

  public int hostCount() {
    return hosts.size();
  }

  public int cachedConfigs() {
    return configs.size();
  }

  public long version() {
    return version;
  }

  /** The answer for a host in these groups; built once per set of groups. */
  public AgentConfig config(long[] groups) {
    return configs.computeIfAbsent(Arrays.toString(groups), k -> build(groups));
  }

  private AgentConfig build(long[] groups) {
    Set<String> dirs = new TreeSet<>();
    Set<Long> tplIds = new TreeSet<>();
    for (long g : groups) {
      dirs.addAll(pluginDirs.getOrDefault(g, List.of()));
      tplIds.addAll(templates.getOrDefault(g, List.of()));
    }
    AgentConfig.Builder out = AgentConfig.newBuilder().addAllPluginDirs(dirs).addAllTrustedIps(trustedIps);
    Set<String> items = new TreeSet<>();
    for (Strategy s : tree.resolve(new ArrayList<>(tplIds))) {
      if (BUILTIN_METRICS.contains(s.getMetric()) && items.add(s.getMetric() + "\n" + s.getTags())) {
        out.addBuiltinItems(BuiltinItem.newBuilder().setMetric(s.getMetric()).setTags(s.getTags()));
      }
    }
    return out.build();
  }
}
