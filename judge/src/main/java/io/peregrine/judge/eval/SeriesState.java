package io.peregrine.judge.eval;

import io.peregrine.common.model.SeriesKey;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.MockConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One series' newest points (a ring of raw samples, strictly increasing timestamps) and the last event of each rule
 * that judged it. Guarded by {@link #lock}: a sample is added, judged and deduplicated as one step, so two batches
 * carrying the same series cannot interleave.
 *
 * <p>Memory with the default 11 points: about 0.5 KB (two 11-slot arrays, the object, its lock, the map entry;
 * the series key string is shared with the map), plus about 0.2 KB once the series has raised an event.
 */
final class SeriesState extends SeriesIdentity {
  /** The state is its own lock: one object less per series. */
  final Object lock = this;
  /** The rules that apply, matched once per strategy set ({@link #rulesSource}) and kept with the series. */
  Rule[] rules;
  /** The rule lookup {@link #rules} were matched against (identity). */
  Object rulesSource;
  /** The most points any of {@link #rules} needs: judging copies no more. */
  int pointsNeeded;
  /** The last events were read back from the state store (or there is none): judging may begin. */
  private boolean restored;
  private final long[] times;
  private final double[] values;
  private int newest = -1;
  private int size;
  private CounterType type = CounterType.GAUGE;
  private Map<String, LastEvent> lastEvents;
  private String md5;
  private volatile long lastReceiptMillis;
  /** Only for series a nodata rule or a mock config watches; null for every other series. */
  private Watched watched;
  /** The rule lookup whose mock configs were last checked for this series (identity; a new set checks again). */
  Object mockSource;

  /** What silence checks need of a series: its identity, step, and which deadlines are queued for it. */
  static final class Watched {
    final String endpoint;
    final String metric;
    final String tags;
    int step;
    /** Rule keys with a nodata deadline in the queue (one entry each). */
    final Set<String> armedRules = new HashSet<>(4);
    /** The mock config that applies, or null; a deadline is queued while it is set. */
    MockConfig mock;
    boolean mockArmed;

    Watched(String endpoint, String metric, String tags) {
      this.endpoint = endpoint;
      this.metric = metric;
      this.tags = tags;
    }
  }

  SeriesState(String endpoint, String metric, String tags, int capacity) {
    identify(endpoint, metric, tags);
    this.times = new long[capacity];
    this.values = new double[capacity];
  }

  /** Adds a point received from transfer. */
  boolean add(long timestamp, double value, CounterType counterType, long receiptMillis) {
    return add(timestamp, value, counterType, receiptMillis, true);
  }

  /**
   * Adds a point; false (and nothing changes) when its timestamp is not newer than the newest kept one.
   *
   * @param real false for an injected mock value, which does not count as the series speaking again
   */
  boolean add(long timestamp, double value, CounterType counterType, long receiptMillis, boolean real) {
    if (size > 0 && timestamp <= times[newest]) {
      return false;
    }
    newest = (newest + 1) % times.length;
    times[newest] = timestamp;
    values[newest] = value;
    size = Math.min(size + 1, times.length);
    type = counterType;
    if (real) {
      lastReceiptMillis = receiptMillis;
    }
    return true;
  }

  /** Timestamp of the newest kept point, 0 when there is none. */
  long newestTimestamp() {
    return size == 0 ? 0 : times[newest];
  }

  Watched watched() {
    return watched;
  }

  Watched watch(String endpoint, String metric, String tags) {
    if (watched == null) {
      watched = new Watched(endpoint, metric, tags);
    }
    return watched;
  }

  /**
   * Fills the judged points, newest first: the raw values for a gauge; for COUNTER and DERIVE the per-second rate
   * between consecutive raw points, stamped with the newer point's time. A COUNTER that went down (a reset) yields
   * no point for that pair; a DERIVE may go negative.
   *
   * @return how many points were filled
   */
  int judgedPoints(double[] outValues, long[] outTimes) {
    return judgedPoints(outValues, outTimes, Integer.MAX_VALUE);
  }

  /** As {@link #judgedPoints(double[], long[])}, stopping after {@code limit} points (what the rules can use). */
  int judgedPoints(double[] outValues, long[] outTimes, int limit) {
    boolean rate = type == CounterType.COUNTER || type == CounterType.DERIVE;
    int count = 0;
    for (int i = 0; i < size && count < limit; i++) {
      int at = Math.floorMod(newest - i, times.length);
      if (!rate) {
        outValues[count] = values[at];
        outTimes[count++] = times[at];
        continue;
      }
      if (i + 1 >= size) {
        break;
      }
      int before = Math.floorMod(at - 1, times.length);
      double delta = values[at] - values[before];
      if (type == CounterType.COUNTER && delta < 0) {
        continue;
      }
      outValues[count] = delta / (times[at] - times[before]);
      outTimes[count++] = times[at];
    }
    return count;
  }

  /** The raw kept points, newest first. */
  List<HistorySnapshot.Point> rawPoints() {
    List<HistorySnapshot.Point> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int at = Math.floorMod(newest - i, times.length);
      out.add(new HistorySnapshot.Point(times[at], values[at]));
    }
    return out;
  }

  CounterType counterType() {
    return type;
  }

  LastEvent lastEvent(String ruleKey) {
    return lastEvents == null ? null : lastEvents.get(ruleKey);
  }

  void remember(String ruleKey, LastEvent event) {
    if (lastEvents == null) {
      lastEvents = new HashMap<>(4);
    }
    lastEvents.put(ruleKey, event);
  }

  /**
   * The MD5 hex in this series' event ids, computed once. Open-Falcon hashes {@code endpoint/metric} for a series
   * without tags (no trailing slash) and {@code endpoint/metric/tags} otherwise; the series key keeps its slash.
   */
  String md5() {
    if (md5 == null) {
      md5 = SeriesKey.md5Hex(tags.isEmpty() ? endpoint + "/" + metric : key());
    }
    return md5;
  }

  boolean restored() {
    return restored;
  }

  /** Takes the last events read back from the state store; the ones judged since start win. */
  void restore(Map<String, LastEvent> stored) {
    restored = true;
    if (stored.isEmpty()) {
      return;
    }
    if (lastEvents == null) {
      lastEvents = new HashMap<>(Math.max(4, stored.size() * 2));
    }
    stored.forEach(lastEvents::putIfAbsent);
  }

  long lastReceiptMillis() {
    return lastReceiptMillis;
  }
}
