package io.peregrine.sender.message;

import io.peregrine.common.event.AlertEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pieces of an event as Open-Falcon's alarm writes them: priority, metric and note come from the strategy (or the
 * expression) as its {@code Event.Priority()/Metric()/Note()} do, numbers as its {@code ReadableFloat}, tags as its
 * {@code SortedTags}. Never throws: a missing field prints as empty.
 */
final class EventText {
  private EventText() {}

  /** Open-Falcon's {@code Event.Priority()}: the strategy's, else the expression's, else Peregrine's own field. */
  static int priority(AlertEvent e) {
    if (e.strategy() != null) {
      return e.strategy().priority();
    }
    if (e.expression() != null) {
      return e.expression().priority();
    }
    return e.priority();
  }

  /** Open-Falcon's {@code Event.Metric()}: the strategy's, else the expression's, else the sample's. */
  static String metric(AlertEvent e) {
    if (e.strategy() != null && e.strategy().metric() != null) {
      return e.strategy().metric();
    }
    if (e.expression() != null && e.expression().metric() != null) {
      return e.expression().metric();
    }
    return text(e.metric());
  }

  static String text(String s) {
    return s == null ? "" : s;
  }

  /** {@code k=v,k2=v2} sorted by key; empty for no tags. */
  static String sortedTags(Map<String, String> tags) {
    if (tags == null || tags.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> t : new TreeMap<>(tags).entrySet()) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(t.getKey()).append('=').append(text(t.getValue()));
    }
    return out.toString();
  }

  /**
   * Five decimals, trailing zeros and a trailing point removed: {@code 3}, {@code 0.5}, {@code 12.34568}, as Go's
   * {@code FormatFloat(v, 'f', 5, 64)} trimmed, which is what Open-Falcon's messages show.
   */
  static String readable(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    // new BigDecimal(double) is the exact binary value, which Go rounds too (half to even on exact ties)
    String s = new BigDecimal(v).setScale(5, RoundingMode.HALF_EVEN).toPlainString();
    if (s.indexOf('.') >= 0) {
      int end = s.length();
      while (s.charAt(end - 1) == '0') {
        end--;
      }
      if (s.charAt(end - 1) == '.') {
        end--;
      }
      s = s.substring(0, end);
    }
    if (v == 0 && 1 / v < 0 || s.equals("0") && v < 0) {
      return "-0";
    }
    return s;
  }
}
