package io.peregrine.hbs.resolve;

import io.peregrine.common.model.Tags;
import io.peregrine.hbs.store.StrategyRow;
import io.peregrine.hbs.store.TemplateRow;
import io.peregrine.proto.v1.Strategy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Templates with their parents and strategies, and the inheritance rule applied to them.
 *
 * <p>A template sees its ancestors' strategies too; a strategy of a younger template on the same metric and tags
 * replaces all of the older ones on that metric and tags. A strategy carries the template that defines it and the
 * action of that template, or of the nearest ancestor that has one. Parent links are walked with a guard: a chain
 * that loops (possible only through hand-written SQL) stops where it would repeat, and the loop is reported.
 *
 * <p>Immutable once built; strategies whose stored tags or right value cannot be read are left out and counted.
 */
public final class TemplateTree {
  private static final Logger log = LoggerFactory.getLogger(TemplateTree.class);

  private final Map<Long, TemplateRow> templates = new HashMap<>();
  /** Per template, its own readable strategies as sent to judges (action already resolved), in id order. */
  private final Map<Long, List<Strategy>> own = new HashMap<>();
  private final Set<Long> inCycles = new TreeSet<>();
  private final Map<List<Long>, List<Strategy>> resolvedByBinding = new HashMap<>();
  private final Object lock = new Object();
  private int unreadable;

  public TemplateTree(Collection<TemplateRow> templateRows, Collection<StrategyRow> strategyRows) {
    templateRows.forEach(t -> templates.put(t.id(), t));
    for (StrategyRow row : strategyRows) {
      if (!templates.containsKey(row.templateId())) {
        continue; // a strategy of a deleted template applies to nobody
      }
      Strategy s = toProto(row);
      if (s == null) {
        unreadable++;
      } else {
        own.computeIfAbsent(row.templateId(), k -> new ArrayList<>()).add(s);
      }
    }
    own.values().forEach(list -> list.sort(Comparator.comparingLong(Strategy::getId)));
    templates.keySet().forEach(id -> chain(id, inCycles)); // finds the loops once, for the log
    if (!inCycles.isEmpty()) {
      log.warn("hbs: template parent links loop through templates {}; each chain stops before repeating",
          inCycles);
    }
  }

  /** The chain from the oldest ancestor down to {@code templateId}; empty when there is no such template. */
  public List<Long> chain(long templateId) {
    return chain(templateId, null);
  }

  private List<Long> chain(long templateId, Set<Long> cycleSink) {
    LinkedHashSet<Long> seen = new LinkedHashSet<>();
    long id = templateId;
    while (id != 0 && templates.containsKey(id)) {
      if (!seen.add(id)) {
        if (cycleSink != null) {
          List<Long> walked = new ArrayList<>(seen);
          cycleSink.addAll(walked.subList(walked.indexOf(id), walked.size()));
        }
        break;
      }
      id = templates.get(id).parentId();
    }
    List<Long> rootFirst = new ArrayList<>(seen);
    Collections.reverse(rootFirst);
    return rootFirst;
  }

  /**
   * The strategies that apply to a host bound (through its groups) to these templates, in id order. A bound
   * template that is an ancestor of another bound template adds nothing of its own, so a strategy it lost to an
   * override does not come back (Open-Falcon's rule).
   */
  public List<Strategy> resolve(Collection<Long> boundTemplateIds) {
    List<Long> key = List.copyOf(new TreeSet<>(boundTemplateIds));
    synchronized (lock) {
      List<Strategy> cached = resolvedByBinding.get(key);
      if (cached != null) {
        return cached;
      }
    }
    List<List<Long>> chains = new ArrayList<>();
    for (long id : key) {
      List<Long> c = chain(id);
      if (!c.isEmpty()) {
        chains.add(c);
      }
    }
    Map<Long, Strategy> byId = new TreeMap<>();
    for (List<Long> c : chains) {
      if (isAncestorOfAnother(c, chains)) {
        continue;
      }
      Map<String, List<Strategy>> effective = new LinkedHashMap<>();
      for (long templateId : c) {
        Map<String, List<Strategy>> mine = new LinkedHashMap<>();
        for (Strategy s : own.getOrDefault(templateId, List.of())) {
          mine.computeIfAbsent(s.getMetric() + "/" + s.getTags(), k -> new ArrayList<>()).add(s);
        }
        effective.putAll(mine); // the younger template's list replaces the older one's on the same key
      }
      effective.values().forEach(list -> list.forEach(s -> byId.put(s.getId(), s)));
    }
    List<Strategy> result = List.copyOf(byId.values());
    synchronized (lock) {
      resolvedByBinding.put(key, result);
    }
    return result;
  }

  public int templateCount() {
    return templates.size();
  }

  /** Strategies left out because their stored tags or right value cannot be read. */
  public int unreadableStrategies() {
    return unreadable;
  }

  public Set<Long> templatesInCycles() {
    return Set.copyOf(inCycles);
  }

  private static boolean isAncestorOfAnother(List<Long> chain, List<List<Long>> chains) {
    long leaf = chain.get(chain.size() - 1);
    for (List<Long> other : chains) {
      if (other != chain && other.get(other.size() - 1) != leaf && other.contains(leaf)) {
        return true;
      }
    }
    return false;
  }

  /** The action of the template or of its nearest ancestor that has one; 0 when none has. */
  private long actionOf(long templateId) {
    List<Long> c = chain(templateId);
    for (int i = c.size() - 1; i >= 0; i--) {
      long action = templates.get(c.get(i)).actionId();
      if (action != 0) {
        return action;
      }
    }
    return 0;
  }

  private Strategy toProto(StrategyRow row) {
    String tags;
    double right;
    try {
      tags = Tags.canonical(row.tags());
      right = Double.parseDouble(row.rightValue().trim());
      if (!Double.isFinite(right)) {
        throw new NumberFormatException("not a finite number");
      }
    } catch (RuntimeException e) {
      log.warn("hbs: strategy {} is left out: tags '{}' / right value '{}' cannot be read: {}", row.id(),
          row.tags(), row.rightValue(), e.getMessage());
      return null;
    }
    return Strategy.newBuilder()
        .setId(row.id())
        .setMetric(row.metric())
        .setTags(tags)
        .setFunc(row.func())
        .setOperator(row.operator())
        .setRightValue(right)
        .setMaxStep(row.maxStep())
        .setPriority(row.priority())
        .setNote(row.note())
        .setRunBegin(row.runBegin())
        .setRunEnd(row.runEnd())
        .setTemplateId(row.templateId())
        .setActionId(actionOf(row.templateId()))
        .build();
  }
}
