package io.peregrine.hbs.resolve;

import io.peregrine.proto.v1.StrategySet;

/**
 * One resolved configuration: the strategy set judges pull (its version is a hash of its content, so it changes
 * exactly when the content does) and the template tree heartbeats resolve builtin items with.
 *
 * @param hostCount rows in {@code host}
 * @param strategyCount strategies summed over hosts (a strategy on ten hosts counts ten times)
 */
public record ResolvedSet(StrategySet set, TemplateTree tree, int hostCount, int strategyCount) {
  public long version() {
    return set.getVersion();
  }
}
