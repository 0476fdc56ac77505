package io.peregrine.judge.eval;

import io.peregrine.proto.v1.MockConfig;
import java.util.List;

/** Where the evaluator finds the rules for a sample; the strategy index implements it. */
public interface RuleLookup {
  /** Rules of no kind: nothing is judged, nothing is kept. */
  RuleLookup EMPTY = new RuleLookup() {
    @Override
    public List<Rule> strategies(String endpoint, String metric) {
      return List.of();
    }

    @Override
    public List<Rule> expressions(String metric) {
      return List.of();
    }
  };

  /** Strategies hbs resolved for this host and metric, before tag filtering. */
  List<Rule> strategies(String endpoint, String metric);

  /** Unpaused expressions on this metric, before tag filtering. */
  List<Rule> expressions(String metric);

  /** True when some mock config exists (otherwise no series is looked up). */
  default boolean hasMocks() {
    return false;
  }

  /** The mock config of exactly this series ({@code endpoint/metric/tags}), or null. */
  default MockConfig mock(String seriesKey) {
    return null;
  }
}
