package io.peregrine.hbs.admin;

import io.peregrine.common.model.Limits;
import io.peregrine.common.model.Tags;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a strategy or an expression may hold, checked before it is stored, so a judge never receives a rule it
 * cannot run. The function list and operators are Open-Falcon's (see OPENFALCON.md, Judge).
 */
final class StrategyRules {
  static final Set<String> OPERATORS = Set.of("==", "=", "!=", "<", "<=", ">", ">=");
  /** {@code #n} beyond this is more history than any judge keeps (judge.historySize is at most 1,000). */
  static final int MAX_POINTS = 1_000;
  static final int MAX_NOTE_LENGTH = 1024;
  static final int MAX_EXPRESSION_LENGTH = 1024;
  private static final Pattern ONE_ARG = Pattern.compile("(all|max|min|sum|avg|diff|pdiff|stddev)\\(#(\\d{1,6})\\)");
  private static final Pattern TWO_ARGS = Pattern.compile("(lookup|kdiff|kpdiff)\\(#(\\d{1,6}),\\s*(\\d{1,6})\\)");
  /** Peregrine's silence rule: {@code nodata(#3)} (steps of the series) or {@code nodata(10m)} (1s..24h). */
  private static final Pattern NODATA = Pattern.compile("nodata\\((#\\d{1,6}|\\d{1,6}[smh])\\)");
  private static final Pattern HH_MM = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d");
  private static final Pattern SELECTOR = Pattern.compile("each\\((.+)\\)");
  /**
   * Peregrine's multi-metric expression, {@code calc(mem.memused / mem.memtotal * 100)}: the judge parses it (the
   * grammar lives there, judge/README.md) and lists one it cannot judge under {@code skipped}; here only its shape.
   */
  private static final Pattern CALC = Pattern.compile("calc\\((.*[A-Za-z\"].*)\\)", Pattern.DOTALL);

  private StrategyRules() {}

  /** The function, normalised (no spaces): {@code all(#3)}, {@code lookup(#2,3)}; null means {@code all(#1)}. */
  static String func(String field, String value) {
    String f = value == null || value.isEmpty() ? "all(#1)" : value.replace(" ", "");
    Matcher one = ONE_ARG.matcher(f);
    if (one.matches()) {
      points(field, Integer.parseInt(one.group(2)));
      return f;
    }
    if (NODATA.matcher(f).matches()) {
      return f; // the judge checks the range and reports a strategy it cannot use
    }
    Matcher two = TWO_ARGS.matcher(f);
    if (two.matches()) {
      int k = Integer.parseInt(two.group(2));
      int n = Integer.parseInt(two.group(3));
      points(field, k);
      points(field, n);
      if (two.group(1).equals("lookup") && k > n) {
        throw ApiException.badField(field, "lookup(#k,n) needs k <= n, got '" + f + "'");
      }
      return f;
    }
    throw ApiException.badField(field, "must be one of all|max|min|sum|avg|diff|pdiff|stddev(#n), "
        + "lookup|kdiff|kpdiff(#k,n) or nodata(#n)|nodata(<n>s|m|h), got '" + f + "'");
  }

  static String operator(String field, String op) {
    if (!OPERATORS.contains(op)) {
      throw ApiException.badField(field, "must be one of == = != < <= > >=, got '" + op + "'");
    }
    return op;
  }

  /** The right value as stored text: whole numbers without a fraction ({@code 90}, not {@code 90.0}). */
  static String rightValue(String field, double d) {
    if (!Double.isFinite(d)) {
      throw ApiException.badField(field, "must be a finite number");
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  static String metric(String field, String m) {
    if (m.chars().anyMatch(Character::isWhitespace)) {
      throw ApiException.badField(field, "must not contain spaces, got '" + m + "'");
    }
    return m;
  }

  /** Canonical tags ({@code k=v,k2=v2} sorted by key), the same text the samples carry. */
  static String tags(String field, String raw, String metric) {
    String canonical;
    try {
      canonical = Tags.canonical(raw == null ? "" : raw);
    } catch (Tags.InvalidTagsException e) {
      throw ApiException.badField(field, e.getMessage());
    }
    if (metric.length() + canonical.length() > Limits.MAX_METRIC_AND_TAGS_LENGTH) {
      throw ApiException.badField(field, "with the metric is longer than " + Limits.MAX_METRIC_AND_TAGS_LENGTH
          + " characters");
    }
    return canonical;
  }

  /** A run window: both empty (always) or both {@code HH:MM}. */
  static String[] runWindow(String beginField, String begin, String endField, String end) {
    String b = begin == null ? "" : begin;
    String e = end == null ? "" : end;
    if (b.isEmpty() != e.isEmpty()) {
      throw ApiException.badField(b.isEmpty() ? beginField : endField, "must be set together with the other end "
          + "of the run window");
    }
    if (!b.isEmpty() && !HH_MM.matcher(b).matches()) {
      throw ApiException.badField(beginField, "must be HH:MM (00:00..23:59), got '" + b + "'");
    }
    if (!e.isEmpty() && !HH_MM.matcher(e).matches()) {
      throw ApiException.badField(endField, "must be HH:MM (00:00..23:59), got '" + e + "'");
    }
    return new String[] {b, e};
  }

  /** {@code each(metric=qps service=api)}: space-separated k=v pairs, one of them the metric. */
  static String expression(String field, String x) {
    if (x.startsWith("calc")) {
      if (!CALC.matcher(x).matches()) {
        throw ApiException.badField(field, "must look like calc(mem.memused / mem.memtotal * 100), got '" + x + "'");
      }
      return x;
    }
    Matcher m = SELECTOR.matcher(x);
    if (!m.matches()) {
      throw ApiException.badField(field,
          "must look like each(metric=qps service=api) or calc(<expression>), got '" + x + "'");
    }
    boolean hasMetric = false;
    for (String pair : m.group(1).trim().split("\\s+")) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw ApiException.badField(field, "has '" + pair + "' where k=v was expected");
      }
      hasMetric |= pair.substring(0, eq).equals("metric");
    }
    if (!hasMetric) {
      throw ApiException.badField(field, "must name a metric, e.g. each(metric=qps service=api)");
    }
    return x;
  }

  private static void points(String field, int n) {
    if (n < 1 || n > MAX_POINTS) {
      throw ApiException.badField(field, "counts points from 1 to " + MAX_POINTS + ", got " + n);
    }
  }
}
