package io.peregrine.judge.strategy;

import io.peregrine.common.model.Tags;
import java.util.Map;
import java.util.TreeMap;

/**
 * An expression's selector, Open-Falcon's {@code each(metric=qps service=api)}: a metric and tags, separated by
 * spaces (commas are accepted too). {@code endpoint=host1} may appear among the tags and then matches the sample's
 * endpoint.
 */
record ExpressionSelector(String metric, Map<String, String> tags) {
  /** @throws IllegalArgumentException with the reason */
  static ExpressionSelector parse(String text) {
    String t = text == null ? "" : text.trim();
    if (!t.startsWith("each(") || !t.endsWith(")")) {
      throw new IllegalArgumentException("expression '" + text + "' is not each(metric=... tag=value ...)");
    }
    String inner = t.substring("each(".length(), t.length() - 1).trim();
    Map<String, String> pairs = new TreeMap<>();
    for (String item : inner.split("[\\s,]+")) {
      if (item.isEmpty()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq <= 0 || eq == item.length() - 1) {
        throw new IllegalArgumentException("expression '" + text + "': '" + item + "' is not key=value");
      }
      if (pairs.put(item.substring(0, eq), item.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("expression '" + text + "': key '" + item.substring(0, eq)
            + "' appears twice");
      }
    }
    String metric = pairs.remove("metric");
    if (metric == null) {
      throw new IllegalArgumentException("expression '" + text + "' names no metric=");
    }
    // through the sample tag rules, so a selector can only name tags a sample could carry
    return new ExpressionSelector(metric, Tags.toMap(Tags.fromMap(pairs)));
  }
}
