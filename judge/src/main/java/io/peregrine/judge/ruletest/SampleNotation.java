package io.peregrine.judge.ruletest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compact sample notation of rule tests, one value per step, separated by spaces (promtool's):
 * <ul>
 *   <li>{@code 5} one value; {@code _} one step without a sample (a gap);
 *   <li>{@code 10+5x6} 10, 15, ... 40 (the start and six increments: 7 values); {@code 40-5x2} 40, 35, 30;
 *   <li>{@code 7x3} 7 four times (the start and three repeats); {@code _x3} three gaps.
 * </ul>
 * Gaps are {@code NaN} in the result. At most {@link #MAX_VALUES} values per series.
 */
public final class SampleNotation {
  public static final int MAX_VALUES = 100_000;
  private static final Pattern SERIES = Pattern.compile("(-?[0-9.eE+]+?)([+-][0-9.eE]+)?x(\\d+)");
  private static final Pattern GAPS = Pattern.compile("_x(\\d+)");

  private SampleNotation() {}

  /** @throws IllegalArgumentException naming the token (1-based) that does not parse */
  public static double[] parse(String text) {
    List<Double> out = new ArrayList<>();
    String[] tokens = text == null ? new String[0] : text.trim().split("\\s+");
    for (int i = 0; i < tokens.length; i++) {
      String t = tokens[i];
      if (t.isEmpty()) {
        continue;
      }
      try {
        if (t.equals("_")) {
          out.add(Double.NaN);
          continue;
        }
        Matcher gaps = GAPS.matcher(t);
        if (gaps.matches()) {
          repeat(out, Double.NaN, 0, Integer.parseInt(gaps.group(1)) - 1);
          continue;
        }
        Matcher m = SERIES.matcher(t);
        if (m.matches()) {
          double start = Double.parseDouble(m.group(1));
          double delta = m.group(2) == null ? 0 : Double.parseDouble(m.group(2));
          repeat(out, start, delta, Integer.parseInt(m.group(3)));
          continue;
        }
        out.add(Double.parseDouble(t));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("token " + (i + 1) + " '" + t + "' is not a number, _, a+bxn or _xn");
      }
      if (out.size() > MAX_VALUES) {
        throw new IllegalArgumentException("more than " + MAX_VALUES + " values");
      }
    }
    double[] values = new double[out.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = out.get(i);
    }
    return values;
  }

  private static void repeat(List<Double> out, double start, double delta, int times) {
    if (times + out.size() > MAX_VALUES) {
      throw new IllegalArgumentException("more than " + MAX_VALUES + " values");
    }
    for (int k = 0; k <= times; k++) {
      out.add(Double.isNaN(start) ? Double.NaN : start + k * delta);
    }
  }
}
