package io.peregrine.judge.eval;

import io.peregrine.common.model.SeriesKey;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.MockConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One series: its identity as bytes (endpoint, metric and canonical tags, UTF-8, one array), its newest points
 * (a ring of raw samples with strictly increasing timestamps, times and values interleaved in one {@code long[]} so
 * the newest point is one cache line), the rules that apply to it and the last event of each rule that judged it.
 * Guarded by its own monitor: a sample is added, judged and deduplicated as one step, so two batches carrying the
 * same series cannot interleave.
 *
 * <p>Memory with the default 11 points (compressed oops): the object about 72 bytes, the ring 16 + 22 x 8 = 192,
 * the key 16 + its bytes (about 40 for {@code host-123/cpu.idle/core=3}), its two slots in {@link SeriesTable}
 * (12 bytes, at most half full: 24 at most); about 340 bytes, plus about 200 once the series has raised an event
 * (the map of last events, the event-id hash). Each extra point of history adds 16 bytes.
 */
final class SeriesState {
  /** {@link SeriesHash} of the series' bytes. */
  final long hash;
  /** endpoint, metric and tags bytes, back to back. */
  private final byte[] key;
  private final short endpointLen;
  private final short metricLen;
  /** The rules that apply, matched once per strategy set ({@link #rulesSource}) and kept with the series. */
  Rule[] rules;
  /**
   * The rule lookup {@link #rules} were matched against (identity: a new strategy set is a new object). Volatile,
   * written after {@link #rules}: the evaluator reads both without the lock to pass known-unwatched series by.
   */
  volatile Object rulesSource;
  /** The most points any of {@link #rules} needs: judging copies no more. */
  int pointsNeeded;
  /** The last events were read back from the state store (or there is none): judging may begin. */
  private boolean restored;
  /** time0, value0 bits, time1, value1 bits, ... */
  private long[] ring;
  private final int capacity;
  private int newest = -1;
  private int size;
  private CounterType type = CounterType.GAUGE;
  private Map<String, LastEvent> lastEvents;
  /** How many of {@link #lastEvents} are PROBLEMs. */
  private int openProblems;
  private String md5;
  /** Plain: the stale sweep may read a slightly old value, which only delays forgetting by a sweep. */
  private long lastReceiptMillis;
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

  /** The series of the viewed sample. */
  SeriesState(SampleView v, int capacity) {
    this.hash = v.hash;
    this.key = new byte[v.endpointLen + v.metricLen + v.tagsLen];
    System.arraycopy(v.buf, v.endpointOff, key, 0, v.endpointLen);
    System.arraycopy(v.buf, v.metricOff, key, v.endpointLen, v.metricLen);
    System.arraycopy(v.buf, v.tagsOff, key, v.endpointLen + v.metricLen, v.tagsLen);
    this.endpointLen = (short) v.endpointLen;
    this.metricLen = (short) v.metricLen;
    this.capacity = capacity;
  }

  /** @param tags canonical */
  SeriesState(String endpoint, String metric, String tags, int capacity) {
    byte[] e = endpoint.getBytes(StandardCharsets.UTF_8);
    byte[] m = metric.getBytes(StandardCharsets.UTF_8);
    byte[] t = tags.getBytes(StandardCharsets.UTF_8);
    this.hash = SeriesHash.of(endpoint, metric, tags);
    this.key = new byte[e.length + m.length + t.length];
    System.arraycopy(e, 0, key, 0, e.length);
    System.arraycopy(m, 0, key, e.length, m.length);
    System.arraycopy(t, 0, key, e.length + m.length, t.length);
    this.endpointLen = (short) e.length;
    this.metricLen = (short) m.length;
    this.capacity = capacity;
  }

  /**
   * Reads the first key byte and the newest point (for {@link SeriesTable#prefetch}: their cache misses start
   * early). May run without the monitor on a state being written: it only reads, and tolerates whatever it sees.
   */
  long touchData() {
    long[] r = ring;
    byte[] k = key;
    long t = k.length > 0 ? k[0] : 0;
    int at = newest;
    if (r != null && at >= 0 && 2 * at < r.length) {
      t += r[2 * at];
    }
    return t;
  }

  /** True when this is the viewed sample's series (the full bytes, not only the hash). */
  boolean is(SampleView v) {
    int e = endpointLen;
    int m = metricLen;
    int t = key.length - e - m;
    return v.endpointLen == e && v.metricLen == m && v.tagsLen == t
        && Arrays.equals(v.buf, v.metricOff, v.metricOff + m, key, e, e + m)
        && Arrays.equals(v.buf, v.endpointOff, v.endpointOff + e, key, 0, e)
        && Arrays.equals(v.buf, v.tagsOff, v.tagsOff + t, key, e + m, key.length);
  }

  /** True when both name the same series. */
  boolean sameSeries(SeriesState other) {
    return hash == other.hash && endpointLen == other.endpointLen && metricLen == other.metricLen
        && Arrays.equals(key, other.key);
  }

  String endpoint() {
    return new String(key, 0, endpointLen, StandardCharsets.UTF_8);
  }

  String metric() {
    return new String(key, endpointLen, metricLen, StandardCharsets.UTF_8);
  }

  String tags() {
    int off = endpointLen + metricLen;
    return off == key.length ? "" : new String(key, off, key.length - off, StandardCharsets.UTF_8);
  }

  /** {@code endpoint/metric/tags} (built on demand: the hot path never needs it). */
  String key() {
    return SeriesKey.of(endpoint(), metric(), tags());
  }

  /**
   * Takes the rules matched for {@code source}. A series no rule applies to keeps no history (its ring is
   * allocated when some rule first applies): it stays in the table only so its samples pass by without a rule
   * lookup.
   */
  void matched(Rule[] matched, Object source) {
    rules = matched;
    int need = 1;
    for (Rule r : matched) {
      need = Math.max(need, r.function().pointsNeeded());
    }
    pointsNeeded = need;
    if (matched.length > 0 && ring == null) {
      ring = new long[2 * capacity];
    }
    rulesSource = source;
  }

  /** True when some rule applies (so it keeps history). */
  boolean watchedByRules() {
    return ring != null && rules != null && rules.length > 0;
  }

  /** A sample arrived (for the stale sweep), even when nothing was kept of it. */
  void touch(long receiptMillis) {
    lastReceiptMillis = receiptMillis;
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
    if (ring == null) {
      ring = new long[2 * capacity];
    }
    if (size > 0 && timestamp <= ring[2 * newest]) {
      return false;
    }
    int at = newest + 1 == capacity ? 0 : newest + 1;
    newest = at;
    ring[2 * at] = timestamp;
    ring[2 * at + 1] = Double.doubleToRawLongBits(value);
    if (size < capacity) {
      size++;
    }
    type = counterType;
    if (real) {
      lastReceiptMillis = receiptMillis;
    }
    return true;
  }

  /** Timestamp of the newest kept point, 0 when there is none. */
  long newestTimestamp() {
    return size == 0 ? 0 : ring[2 * newest];
  }

  Watched watched() {
    return watched;
  }

  Watched watch() {
    if (watched == null) {
      watched = new Watched(endpoint(), metric(), tags());
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
    long[] r = ring;
    boolean rate = type == CounterType.COUNTER || type == CounterType.DERIVE;
    int count = 0;
    int at = newest;
    if (!rate) {
      for (int i = 0, n = Math.min(size, limit); i < n; i++) {
        outTimes[count] = r[2 * at];
        outValues[count++] = Double.longBitsToDouble(r[2 * at + 1]);
        at = at == 0 ? capacity - 1 : at - 1;
      }
      return count;
    }
    boolean counter = type == CounterType.COUNTER;
    for (int i = 0; i + 1 < size && count < limit; i++) {
      int before = at == 0 ? capacity - 1 : at - 1;
      double delta = Double.longBitsToDouble(r[2 * at + 1]) - Double.longBitsToDouble(r[2 * before + 1]);
      if (!counter || delta >= 0) {
        outValues[count] = delta / (r[2 * at] - r[2 * before]);
        outTimes[count++] = r[2 * at];
      }
      at = before;
    }
    return count;
  }

  /** The raw kept points, newest first. */
  List<HistorySnapshot.Point> rawPoints() {
    List<HistorySnapshot.Point> out = new ArrayList<>(size);
    int at = newest;
    for (int i = 0; i < size; i++) {
      out.add(new HistorySnapshot.Point(ring[2 * at], Double.longBitsToDouble(ring[2 * at + 1])));
      at = at == 0 ? capacity - 1 : at - 1;
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
    LastEvent previous = lastEvents.put(ruleKey, event);
    openProblems += (event.problem() ? 1 : 0) - (previous != null && previous.problem() ? 1 : 0);
  }

  /**
   * True when some rule's last event on this series is a PROBLEM. When none is, a judgement that does not fire
   * decides nothing (no OK without a PROBLEM), so the evaluator skips the lookup of the last event.
   */
  boolean anyProblem() {
    return openProblems > 0;
  }

  /**
   * The MD5 hex in this series' event ids, computed once. Open-Falcon hashes {@code endpoint/metric} for a series
   * without tags (no trailing slash) and {@code endpoint/metric/tags} otherwise; the series key keeps its slash.
   */
  String md5() {
    if (md5 == null) {
      md5 = SeriesKey.md5Hex(endpointLen + metricLen == key.length ? endpoint() + "/" + metric() : key());
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
    stored.forEach((rule, event) -> {
      if (lastEvents.putIfAbsent(rule, event) == null && event.problem()) {
        openProblems++;
      }
    });
  }

  long lastReceiptMillis() {
    return lastReceiptMillis;
  }
}
