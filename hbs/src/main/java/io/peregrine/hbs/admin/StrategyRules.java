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

  /** The function, normalised (no spaces): {@code all(#3)}, {@code lookup(#2,3)}, {@code stddev(#5)}. */
  static String func(JsonBody body, String field) {
    String f = body.text(field, "all(#1)", 32).replace(" ", "");
    Matcher one = ONE_ARG.matcher(f);
    if (one.matches()) {
      points(body, field, Integer.parseInt(one.group(2)));
      return f;
    }
    if (NODATA.matcher(f).matches()) {
      return f; // the judge checks the range and reports a strategy it cannot use
    }
    Matcher two = TWO_ARGS.matcher(f);
    if (two.matches()) {
      int k = Integer.parseInt(two.group(2));
      int n = Integer.parseInt(two.group(3));
      points(body, field, k);
      points(body, field, n);
      if (two.group(1).equals("lookup") && k > n) {
        throw body.bad(field, "lookup(#k,n) needs k <= n, got '" + f + "'");
      }
      return f;
    }
    throw body.bad(field, "must be one of all|max|min|sum|avg|diff|pdiff|stddev(#n), lookup|kdiff|kpdiff(#k,n) "
        + "or nodata(#n)|nodata(<n>s|m|h), got '" + f + "'");
  }

  static String operator(JsonBody body, String field) {
    String op = body.text(field, 2);
    if (!OPERATORS.contains(op)) {
      throw body.bad(field, "must be one of == = != < <= > >=, got '" + op + "'");
    }
    return op;
  }

  /** 0 is the most urgent, 6 the least; required, so nothing pages at P0 by omission. */
  static int priority(JsonBody body, String field) {
    return (int) body.integer(field, 0, 6);
  }

  /** 0 is allowed and means "never send" (Open-Falcon's rule); 1 sends once per problem. */
  static int maxStep(JsonBody body, String field) {
    return (int) body.integer(field, 1, 0, 1_000_000);
  }

  /** The right value as stored text: whole numbers without a fraction ({@code 90}, not {@code 90.0}). */
  static String rightValue(JsonBody body, String field) {
    double d = body.number(field);
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  static String metric(JsonBody body, String field) {
    String m = body.text(field, Limits.MAX_NAME_LENGTH);
    if (m.chars().anyMatch(Character::isWhitespace)) {
      throw body.bad(field, "must not contain spaces, got '" + m + "'");
    }
    return m;
  }

  /** Canonical tags ({@code k=v,k2=v2} sorted by key), the same text the samples carry. */
  static String tags(JsonBody body, String field, String metric) {
    String raw = body.text(field, "", Limits.MAX_METRIC_AND_TAGS_LENGTH);
    String canonical;
    try {
      canonical = Tags.canonical(raw);
    } catch (Tags.InvalidTagsException e) {
      throw body.bad(field, e.getMessage());
    }
    if (metric.length() + canonical.length() > Limits.MAX_METRIC_AND_TAGS_LENGTH) {
      throw body.bad(field, "with the metric is longer than " + Limits.MAX_METRIC_AND_TAGS_LENGTH + " characters");
    }
    return canonical;
  }

  /** A run window: both empty (always) or both {@code HH:MM}. */
  static String[] runWindow(JsonBody body, String beginField, String endField) {
    String begin = body.text(beginField, "", 5);
    String end = body.text(endField, "", 5);
    if (begin.isEmpty() != end.isEmpty()) {
      throw body.bad(begin.isEmpty() ? beginField : endField, "must be set together with the other end of the "
          + "run window");
    }
    if (!begin.isEmpty() && !HH_MM.matcher(begin).matches()) {
      throw body.bad(beginField, "must be HH:MM (00:00..23:59), got '" + begin + "'");
    }
    if (!end.isEmpty() && !HH_MM.matcher(end).matches()) {
      throw body.bad(endField, "must be HH:MM (00:00..23:59), got '" + end + "'");
    }
    return new String[] {begin, end};
  }

  /** {@code each(metric=qps service=api)}: space-separated k=v pairs, one of them the metric. */
  static String expression(JsonBody body, String field) {
    String x = body.text(field, MAX_EXPRESSION_LENGTH);
    if (x.startsWith("calc")) {
      if (!CALC.matcher(x).matches()) {
        throw body.bad(field, "must look like calc(mem.memused / mem.memtotal * 100), got '" + x + "'");
      }
      return x;
    }
    Matcher m = SELECTOR.matcher(x);
    if (!m.matches()) {
      throw body.bad(field, "must look like each(metric=qps service=api) or calc(<expression>), got '" + x + "'");
    }
    boolean hasMetric = false;
    for (String pair : m.group(1).trim().split("\\s+")) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw body.bad(field, "has '" + pair + "' where k=v was expected");
      }
      hasMetric |= pair.substring(0, eq).equals("metric");
    }
    if (!hasMetric) {
      throw body.bad(field, "must name a metric, e.g. each(metric=qps service=api)");
    }
    return x;
  }

  static String note(JsonBody body, String field) {
    return body.text(field, "", MAX_NOTE_LENGTH);
  }

  private static void points(JsonBody body, String field, int n) {
    if (n < 1 || n > MAX_POINTS) {
      throw body.bad(field, "counts points from 1 to " + MAX_POINTS + ", got " + n);
    }
  }
}
