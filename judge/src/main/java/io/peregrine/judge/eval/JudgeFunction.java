package io.peregrine.judge.eval;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed strategy function ({@code all(#3)}, {@code lookup(#2,5)}, ...). Values are given newest first; "enough"
 * means the function's number of points exists, otherwise nothing is judged.
 *
 * <table>
 *   <caption>functions</caption>
 *   <tr><th>function</th><th>points</th><th>fires when</th><th>leftValue</th></tr>
 *   <tr><td>all(#n)</td><td>n</td><td>every value op right</td><td>newest</td></tr>
 *   <tr><td>max/min/sum/avg(#n)</td><td>n</td><td>aggregate op right</td><td>the aggregate</td></tr>
 *   <tr><td>lookup(#k,n)</td><td>n</td><td>at least k values op right</td><td>newest</td></tr>
 *   <tr><td>diff(#n)</td><td>n+1</td><td>some newest - previous op right</td><td>first satisfying difference, else
 *       the last computed</td></tr>
 *   <tr><td>pdiff(#n)</td><td>n+1</td><td>as diff, in percent of previous (previous 0 skipped)</td><td>as diff</td></tr>
 *   <tr><td>stddev(#n) = k</td><td>n</td><td>newest outside mean +- k * population stddev; operator ignored</td>
 *       <td>newest</td></tr>
 *   <tr><td>kdiff(#k,n)</td><td>n+k</td><td>each of the newest n minus each of the k before them op right; a 0
 *       among the newest k never fires</td><td>first failing difference, else the last computed</td></tr>
 *   <tr><td>kpdiff(#k,n)</td><td>n+k</td><td>as kdiff, in percent of the newer value of each pair</td>
 *       <td>as kdiff</td></tr>
 * </table>
 *
 * @param kind which function
 * @param k lookup's match count or kdiff's baseline count; 0 for one-argument functions
 * @param n the {@code #n}
 * @param text the function as the strategy wrote it, for events and logs
 */
public record JudgeFunction(Kind kind, int k, int n, String text) {
  /** Beyond any history anyone keeps; stops {@code all(#99999999)} from overflowing the point arithmetic. */
  static final int MAX_ARGUMENT = 10_000;
  private static final Pattern SYNTAX =
      Pattern.compile("\\s*([a-zA-Z]+)\\s*\\(\\s*#\\s*(\\d{1,9})\\s*(?:,\\s*(\\d{1,9})\\s*)?\\)\\s*");

  public enum Kind { ALL, MAX, MIN, SUM, AVG, LOOKUP, DIFF, PDIFF, STDDEV, KDIFF, KPDIFF, NODATA }

  /** {@code nodata(10m)}: a fixed silence; {@code nodata(#3)} goes through the common syntax. */
  private static final Pattern NODATA_DURATION = Pattern.compile("\\s*nodata\\s*\\(\\s*(\\d{1,6})\\s*([smh])\\s*\\)\\s*");
  /** A day: silence longer than that is beyond what the judge keeps a series for (24 h stale sweep). */
  public static final int MAX_NODATA_SECONDS = 86_400;

  /** @throws IllegalArgumentException with the reason, for text that is not a supported function */
  public static JudgeFunction parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("func is empty");
    }
    Matcher d = NODATA_DURATION.matcher(text);
    if (d.matches()) {
      long seconds = Long.parseLong(d.group(1)) * switch (d.group(2)) {
        case "h" -> 3600;
        case "m" -> 60;
        default -> 1;
      };
      if (seconds < 1 || seconds > MAX_NODATA_SECONDS) {
        throw new IllegalArgumentException("func '" + text + "': nodata needs 1s..24h");
      }
      return new JudgeFunction(Kind.NODATA, (int) seconds, 0, text.trim());
    }
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("func '" + text + "' is not name(#n) or name(#k,n)");
    }
    Kind kind;
    try {
      kind = Kind.valueOf(m.group(1).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("func '" + text + "': unknown function '" + m.group(1)
          + "' (all max min sum avg lookup diff pdiff stddev kdiff kpdiff nodata)");
    }
    int first = Integer.parseInt(m.group(2));
    boolean twoArgs = kind == Kind.LOOKUP || kind == Kind.KDIFF || kind == Kind.KPDIFF;
    if (twoArgs != (m.group(3) != null)) {
      throw new IllegalArgumentException("func '" + text + "': " + m.group(1) + " takes "
          + (twoArgs ? "two arguments (#k,n)" : "one argument (#n)"));
    }
    int k = twoArgs ? first : 0;
    int n = twoArgs ? Integer.parseInt(m.group(3)) : first;
    if (n < 1 || n > MAX_ARGUMENT || (twoArgs && (k < 1 || k > MAX_ARGUMENT))) {
      throw new IllegalArgumentException("func '" + text + "': arguments must be within 1.." + MAX_ARGUMENT);
    }
    if (kind == Kind.LOOKUP && k > n) {
      throw new IllegalArgumentException("func '" + text + "': lookup(#k,n) needs k <= n");
    }
    return new JudgeFunction(kind, k, n, text.trim());
  }

  /**
   * For {@code nodata}: the silence after which it fires, in seconds; {@code nodata(#n)} is n times the series'
   * step (60 s when the sample gave none).
   */
  public long nodataSeconds(int seriesStep) {
    return k > 0 ? k : (long) n * (seriesStep > 0 ? seriesStep : 60);
  }

  /** How many points (after rate conversion for counters) the function needs before it judges. */
  public int pointsNeeded() {
    return switch (kind) {
      case NODATA -> 1;
      case DIFF, PDIFF -> n + 1;
      case KDIFF, KPDIFF -> n + k;
      default -> n;
    };
  }

  /**
   * @param vs values, newest first
   * @param count how many entries of {@code vs} are filled
   * @param op the comparison (ignored by stddev)
   * @param right the right value (stddev's k)
   */
  public FunctionResult evaluate(double[] vs, int count, Operator op, double right) {
    Outcome out = new Outcome();
    return evaluate(vs, count, op, right, out) ? new FunctionResult(true, out.fired, out.leftValue, out.used)
        : FunctionResult.NOT_ENOUGH;
  }

  /**
   * As {@link #evaluate(double[], int, Operator, double)} without allocating: the outcome goes to {@code out}.
   *
   * @return false when there are too few points (nothing is judged; {@code out} is unchanged)
   */
  public boolean evaluate(double[] vs, int count, Operator op, double right, Outcome out) {
    if (count < pointsNeeded()) {
      return false;
    }
    return switch (kind) {
      case ALL -> all(vs, op, right, out);
      case MAX, MIN, SUM, AVG -> aggregate(vs, op, right, out);
      case LOOKUP -> lookup(vs, op, right, out);
      case DIFF, PDIFF -> diff(vs, op, right, kind == Kind.PDIFF, out);
      case STDDEV -> stddev(vs, right, out);
      case KDIFF, KPDIFF -> kdiff(vs, op, right, kind == Kind.KPDIFF, out);
      // a sample arrived: silence is over (the deadline queue raises the PROBLEM, never a sample)
      case NODATA -> out.set(false, vs[0], 1);
    };
  }

  /** A reusable function outcome (one per judging thread): see {@link FunctionResult} for the fields. */
  public static final class Outcome {
    boolean fired;
    double leftValue;
    int used;

    boolean set(boolean fired, double leftValue, int used) {
      this.fired = fired;
      this.leftValue = leftValue;
      this.used = used;
      return true;
    }
  }

  private boolean all(double[] vs, Operator op, double right, Outcome out) {
    boolean fired = true;
    for (int i = 0; i < n && fired; i++) {
      fired = op.test(vs[i], right);
    }
    return out.set(fired, vs[0], n);
  }

  private boolean aggregate(double[] vs, Operator op, double right, Outcome out) {
    double acc = kind == Kind.MAX || kind == Kind.MIN ? vs[0] : 0;
    for (int i = 0; i < n; i++) {
      switch (kind) {
        case MAX -> acc = Math.max(acc, vs[i]);
        case MIN -> acc = Math.min(acc, vs[i]);
        default -> acc += vs[i];
      }
    }
    double left = kind == Kind.AVG ? acc / n : acc;
    return out.set(op.test(left, right), left, n);
  }

  private boolean lookup(double[] vs, Operator op, double right, Outcome out) {
    int matched = 0;
    for (int i = 0; i < n && matched < k; i++) {
      if (op.test(vs[i], right)) {
        matched++;
      }
    }
    return out.set(matched >= k, vs[0], n);
  }

  private boolean diff(double[] vs, Operator op, double right, boolean percent, Outcome out) {
    double newest = vs[0];
    double left = 0;
    for (int i = 1; i <= n; i++) {
      double previous = vs[i];
      if (percent && previous == 0) {
        continue; // no percentage of nothing
      }
      left = percent ? (newest - previous) / previous * 100.0 : newest - previous;
      if (op.test(left, right)) {
        return out.set(true, left, n + 1);
      }
    }
    return out.set(false, left, n + 1);
  }

  private boolean stddev(double[] vs, double k, Outcome out) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += vs[i];
    }
    double mean = sum / n;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      double d = vs[i] - mean;
      squares += d * d;
    }
    double sd = Math.sqrt(squares / n);
    double newest = vs[0];
    boolean fired = newest < mean - k * sd || newest > mean + k * sd;
    return out.set(fired, newest, n);
  }

  /**
   * falcon-plus' kdiff/kpdiff: the newest n points are the sustained change, the k points before them the stable
   * baseline. Baseline points are taken from the oldest one forwards; each is compared with the newest n in order
   * (newest first), so leftValue is the first difference that failed, or the last one computed. As in falcon-plus,
   * it gives up (not fired) when a value among the newest k is 0, for both functions, and kpdiff is in percent of
   * the newer point of the pair.
   */
  private boolean kdiff(double[] vs, Operator op, double right, boolean percent, Outcome out) {
    double left = 0;
    for (int i = 0; i < k; i++) {
      if (vs[i] == 0) {
        return out.set(false, left, n + k);
      }
      double older = vs[n + k - 1 - i];
      for (int j = 0; j < n; j++) {
        left = percent ? (vs[j] - older) / vs[j] * 100.0 : vs[j] - older;
        if (!op.test(left, right)) {
          return out.set(false, left, n + k);
        }
      }
    }
    return out.set(true, left, n + k);
  }

  @Override
  public String toString() {
    return text;
  }
}
