package io.peregrine.hbs.resolve;

import io.peregrine.hbs.store.ExpressionRow;
import io.peregrine.common.model.Tags;
import io.peregrine.hbs.store.HostRow;
import io.peregrine.hbs.store.MockcfgRow;
import io.peregrine.proto.v1.MockConfig;
import io.peregrine.proto.v1.Expression;
import io.peregrine.proto.v1.HostStrategies;
import io.peregrine.proto.v1.Strategy;
import io.peregrine.proto.v1.StrategySet;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the SQL rows into the strategy set: per host (sorted by name) the strategies of the templates bound to its
 * groups, inheritance applied; hosts in their maintenance window and hosts without strategies are left out; then
 * every expression, paused or not, with its flag; then the mock configs of {@code mockcfg}, one per endpoint
 * (a host's own row wins over its group's, as in Open-Falcon's nodata; hosts in maintenance are left out).
 */
final class SetBuilder {
  private static final Logger log = LoggerFactory.getLogger(SetBuilder.class);

  private SetBuilder() {}

  static ResolvedSet build(ConfigRows rows, long nowSeconds) {
    TemplateTree tree = new TemplateTree(rows.templates(), rows.strategies());
    Map<String, Set<Long>> bindings = new TreeMap<>();
    rows.hostTemplates().forEach(e -> bindings.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(e.getValue()));
    Set<String> inMaintenance = new TreeSet<>();
    rows.hosts().stream().filter(h -> h.inMaintenance(nowSeconds)).map(HostRow::hostname)
        .forEach(inMaintenance::add);

    StrategySet.Builder set = StrategySet.newBuilder();
    int strategyCount = 0;
    for (Map.Entry<String, Set<Long>> e : bindings.entrySet()) {
      if (inMaintenance.contains(e.getKey())) {
        continue;
      }
      List<Strategy> strategies = tree.resolve(e.getValue());
      if (!strategies.isEmpty()) {
        set.addHosts(HostStrategies.newBuilder().setHostname(e.getKey()).addAllStrategies(strategies));
        strategyCount += strategies.size();
      }
    }
    for (ExpressionRow row : rows.expressions()) {
      Expression x = toProto(row);
      if (x != null) {
        set.addExpressions(x);
      }
    }
    mockConfigs(rows, inMaintenance).forEach(set::addMockConfigs);
    set.setVersion(versionOf(set.build()));
    return new ResolvedSet(set.build(), tree, rows.hosts().size(), strategyCount);
  }

  /**
   * The first 64 bits of SHA-256 over the set's bytes (the set is built in a fixed order, and proto3 writes the
   * same message as the same bytes). Positive and never 0, since 0 means "I have nothing" to GetStrategies.
   */
  static long versionOf(StrategySet content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.toByteArray());
      long v = ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE;
      return v == 0 ? 1 : v;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static List<MockConfig> mockConfigs(ConfigRows rows, Set<String> inMaintenance) {
    Map<String, List<String>> groups = new TreeMap<>();
    rows.groupHosts().forEach(e -> groups.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    Map<String, MockConfig> byKey = new TreeMap<>();
    Map<String, Boolean> fromGroup = new TreeMap<>();
    for (MockcfgRow row : rows.mockcfgs()) {
      String tags;
      try {
        tags = Tags.canonical(row.tags() == null ? "" : row.tags());
      } catch (IllegalArgumentException e) {
        log.warn("hbs: mockcfg {} ({}) is left out: tags '{}': {}", row.id(), row.name(), row.tags(), e.getMessage());
        continue;
      }
      String metric = row.metric() == null ? "" : row.metric().trim();
      if (metric.isEmpty()) {
        log.warn("hbs: mockcfg {} ({}) is left out: it names no metric", row.id(), row.name());
        continue;
      }
      boolean group = "group".equals(row.objType());
      List<String> endpoints = new ArrayList<>();
      for (String item : (row.obj() == null ? "" : row.obj()).split("[\\n,]")) {
        String name = item.trim();
        if (name.isEmpty()) {
          continue;
        }
        switch (row.objType() == null ? "" : row.objType()) {
          case "host", "other" -> endpoints.add(name);
          case "group" -> endpoints.addAll(groups.getOrDefault(name, List.of()));
          default -> log.warn("hbs: mockcfg {} ({}): obj_type '{}' is not host, group or other", row.id(),
              row.name(), row.objType());
        }
      }
      for (String endpoint : endpoints) {
        if (inMaintenance.contains(endpoint)) {
          continue;
        }
        String key = endpoint + "/" + metric + "/" + tags;
        Boolean existingFromGroup = fromGroup.get(key);
        if (existingFromGroup != null && !(existingFromGroup && !group)) {
          continue; // the first row wins, except that a host's own row beats a group's
        }
        byKey.put(key, MockConfig.newBuilder().setId(row.id()).setName(row.name()).setEndpoint(endpoint)
            .setMetric(metric).setTags(tags).setCounterType(row.dstype() == null ? "GAUGE" : row.dstype())
            .setStep(row.step()).setMock(row.mock()).build());
        fromGroup.put(key, group);
      }
    }
    return List.copyOf(byKey.values());
  }

  private static Expression toProto(ExpressionRow row) {
    double right;
    try {
      right = Double.parseDouble(row.rightValue().trim());
    } catch (NumberFormatException e) {
      right = Double.NaN;
    }
    if (!Double.isFinite(right)) {
      log.warn("hbs: expression {} is left out: its right value '{}' is not a number", row.id(), row.rightValue());
      return null;
    }
    return Expression.newBuilder()
        .setId(row.id())
        .setExpression(row.expression())
        .setFunc(row.func())
        .setOperator(row.operator())
        .setRightValue(right)
        .setMaxStep(row.maxStep())
        .setPriority(row.priority())
        .setNote(row.note())
        .setActionId(row.actionId())
        .setPause(row.pause())
        .build();
  }
}
