package io.peregrine.judge.eval;

import io.peregrine.common.model.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which rules apply to a series: strategies hbs resolved for its endpoint and metric, and expressions on its metric,
 * both filtered by tags. Runs once per series and strategy set (the result is kept with the series), never per
 * sample.
 */
final class RuleMatcher {
  static final Rule[] NO_RULES = new Rule[0];

  private RuleMatcher() {}

  /** @param tags canonical */
  static Rule[] match(RuleLookup lookup, String endpoint, String metric, String tags) {
    List<Rule> strategies = lookup.strategies(endpoint, metric);
    List<Rule> expressions = lookup.expressions(metric);
    if (strategies.isEmpty() && expressions.isEmpty()) {
      return NO_RULES;
    }
    Map<String, String> parsed = tags.isEmpty() ? Map.of() : Tags.parse(tags);
    List<Rule> matched = new ArrayList<>(strategies.size() + expressions.size());
    for (Rule r : strategies) {
      if (r.matches(endpoint, parsed)) {
        matched.add(r);
      }
    }
    for (Rule r : expressions) {
      if (r.matches(endpoint, parsed)) {
        matched.add(r);
      }
    }
    return matched.isEmpty() ? NO_RULES : matched.toArray(NO_RULES);
  }

  /** The nodata rule of this key that applies to the watched series in the current strategy set, or null. */
  static Rule currentNodataRule(RuleLookup lookup, SeriesState.Watched w, String ruleKey) {
    Map<String, String> tags = w.tags.isEmpty() ? Map.of() : Tags.parse(w.tags);
    for (List<Rule> list : List.of(lookup.strategies(w.endpoint, w.metric), lookup.expressions(w.metric))) {
      for (Rule r : list) {
        if (r.function().kind() == JudgeFunction.Kind.NODATA && r.key().equals(ruleKey)
            && r.matches(w.endpoint, tags)) {
          return r;
        }
      }
    }
    return null;
  }
}
