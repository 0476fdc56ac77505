package io.peregrine.judge.expr;

import io.peregrine.common.model.SeriesKey;
import io.peregrine.judge.eval.LastEvent;
import io.peregrine.proto.v1.CounterType;

/**
 * One rule on one endpoint: the latest value of each reference (its slot), the result series (the newest
 * {@code historySize} results, newest first when read), and the rule's last event there. Guarded by itself: an
 * input update, the evaluation and dedup are one step.
 *
 * <p>Memory (estimated from the object layout): about 100 bytes plus 60 per reference and 16 per kept result point,
 * plus the endpoint's MD5 string and map entries: about 0.5 KB for a two-input rule with the default 11 points.
 */
final class ExprInstance {
  final String endpoint;
  /** MD5 hex of the endpoint: the part after the rule key in event ids, and the state store record. */
  final String md5;
  ExprRule rule;
  Slot[] slots;
  private long[] times;
  private double[] values;
  private int newest = -1;
  private int size;
  LastEvent last;
  boolean restored;
  volatile long lastReceiptMillis;

  /** One reference's input: the series it takes values from and its newest value. */
  static final class Slot {
    /** Canonical tags of the series bound to this reference; null before the first sample. */
    String series;
    long ts;
    /** The judged value: raw for a gauge, the per-second rate for COUNTER/DERIVE; NaN when there is none. */
    double value = Double.NaN;
    int step;
    long prevTs;
    double prevRaw;
    /** Newest timestamp of another series matching the same reference (0: none): while fresh, ambiguous. */
    long conflictTs;

    boolean fresh(long ts, long at, int staleSteps) {
      return at - ts <= (long) staleSteps * step;
    }

    /** Known at time {@code at}: bound, fresh, not ambiguous, with a value. */
    boolean known(long at, int staleSteps) {
      return series != null && fresh(ts, at, staleSteps) && !(conflictTs > 0 && fresh(conflictTs, at, staleSteps))
          && !Double.isNaN(value);
    }
  }

  ExprInstance(ExprRule rule, String endpoint, int historySize) {
    this.endpoint = endpoint;
    this.md5 = SeriesKey.md5Hex(endpoint);
    reset(rule, historySize);
  }

  /** A new definition of the rule: inputs and results start over; the last event stays, so its OK can come. */
  void reset(ExprRule rule, int historySize) {
    this.rule = rule;
    this.slots = new Slot[rule.parsed().references().size()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Slot();
    }
    this.times = new long[historySize];
    this.values = new double[historySize];
    this.newest = -1;
    this.size = 0;
  }

  /**
   * Takes a sample into a slot.
   *
   * @return false when nothing changed that is worth evaluating (not newer than the slot's newest sample)
   */
  boolean update(int slot, String tags, long ts, double raw, CounterType type, int step) {
    Slot s = slots[slot];
    int stepOrDefault = step > 0 ? step : 60;
    if (s.series != null && !s.series.equals(tags)) {
      if (s.fresh(s.ts, ts, rule.staleSteps())) {
        s.conflictTs = Math.max(s.conflictTs, ts); // two series match one reference: unknown while both speak
        return true;
      }
      s.series = null; // the bound series went quiet: the other one takes over
    }
    if (s.series == null) {
      s.series = tags;
      s.ts = 0;
      s.value = Double.NaN;
      s.prevTs = 0;
      s.conflictTs = 0;
    } else if (ts <= s.ts) {
      return false;
    }
    s.step = stepOrDefault;
    boolean rate = type == CounterType.COUNTER || type == CounterType.DERIVE;
    if (!rate) {
      s.value = raw;
    } else if (s.prevTs > 0 && ts > s.prevTs) {
      double r = (raw - s.prevRaw) / (ts - s.prevTs);
      s.value = type == CounterType.COUNTER && r < 0 ? Double.NaN : r; // a counter reset is no rate
    } else {
      s.value = Double.NaN;
    }
    s.prevTs = ts;
    s.prevRaw = raw;
    s.ts = ts;
    return true;
  }

  /** The inputs at time {@code at}: NaN for an unknown one. @return false when some input is unknown */
  boolean inputs(long at, double[] out) {
    boolean all = true;
    for (int i = 0; i < slots.length; i++) {
      boolean known = slots[i].known(at, rule.staleSteps());
      out[i] = known ? slots[i].value : Double.NaN;
      all &= known;
    }
    return all;
  }

  /**
   * Adds a result at {@code ts}; a second result at the newest time replaces it (the other inputs of that time
   * arrived).
   *
   * @return false when {@code ts} is older than the newest result (nothing is judged)
   */
  boolean addResult(long ts, double value) {
    if (size > 0 && ts < times[newest]) {
      return false;
    }
    if (size == 0 || ts > times[newest]) {
      newest = (newest + 1) % times.length;
      size = Math.min(size + 1, times.length);
    }
    times[newest] = ts;
    values[newest] = value;
    return true;
  }

  /** Copies the results newest first. @return how many */
  int results(double[] outValues, long[] outTimes) {
    for (int i = 0; i < size; i++) {
      int at = Math.floorMod(newest - i, times.length);
      outValues[i] = values[at];
      outTimes[i] = times[at];
    }
    return size;
  }

  int capacity() {
    return times.length;
  }
}
