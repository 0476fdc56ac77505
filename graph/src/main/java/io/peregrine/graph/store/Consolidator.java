package io.peregrine.graph.store;

import static io.peregrine.graph.store.SlotState.HOLD;
import static io.peregrine.graph.store.SlotState.LAST_FINAL;
import static io.peregrine.graph.store.SlotState.LAST_T;
import static io.peregrine.graph.store.SlotState.LAST_V;
import static io.peregrine.graph.store.SlotState.NONE;
import static io.peregrine.graph.store.SlotState.OPEN;
import static io.peregrine.graph.store.SlotState.PDP_KNOWN;
import static io.peregrine.graph.store.SlotState.PDP_SUM;
import static io.peregrine.graph.store.SlotState.SEG_START;

import io.peregrine.proto.v1.CounterType;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Applies one sample to a series' slot, rrdtool-style but on Open-Falcon's aligned steps.
 *
 * <ul>
 *   <li>The value a sample brings is its reading for a GAUGE; for COUNTER and DERIVE the per-second rate since the
 *       previous reading (none for the first reading, after a gap over the heartbeat of two steps, or when a
 *       COUNTER goes down: a reset or a wrap yields no point).
 *   <li>Within a step, each value holds from its sample's timestamp to the next sample or the end of the step; the
 *       first value of a step also covers the step's start. The step's primary point is the time-weighted mean of
 *       the known values: several samples in one step are consolidated, not dropped.
 *   <li>A sample not after the series' newest sample (older, or the same timestamp) is refused: the caller counts
 *       it as {@code out_of_order}.
 *   <li>When a sample opens a later step, the open one is written to the raw archive and folded into each level's
 *       open consolidated point; a level's point is written once a step of the next point arrives, known when at
 *       least half its steps were ({@link ArchiveLayout#XFF}). One missed step (a gap of exactly two steps) is
 *       filled with the new value, as rrdtool's heartbeat does; longer gaps stay unknown (NaN).
 * </ul>
 * Only the writer thread calls it, under the slot's lock.
 */
final class Consolidator {
  private Consolidator() {}

  /** @return false when the sample is out of order (not after the newest one) */
  static boolean apply(Segment seg, int local, long t, double v) {
    ByteBuffer b = seg.buffer();
    long at = seg.state(local);
    int step = SlotState.getInt(b, at, SlotState.STEP);
    int type = SlotState.getInt(b, at, SlotState.TYPE);
    long bucket = ArchiveLayout.align(t, step);
    long open = SlotState.getLong(b, at, OPEN);
    if (open == NONE) {
      SlotState.putLong(b, at, SlotState.FIRST, bucket);
      SlotState.putLong(b, at, LAST_T, t);
      SlotState.putDouble(b, at, LAST_V, v);
      startStep(b, at, bucket, type == CounterType.GAUGE_VALUE ? v : Double.NaN);
      return true;
    }
    long lastT = SlotState.getLong(b, at, LAST_T);
    if (t <= lastT) {
      return false;
    }
    double value = derive(type, step, t - lastT, SlotState.getDouble(b, at, LAST_V), v);
    SlotState.putLong(b, at, LAST_T, t);
    SlotState.putDouble(b, at, LAST_V, v);
    if (bucket == open) {
      hold(b, at, t, value);
      return true;
    }
    commit(seg, local, step, open, closeStep(b, at, open + step));
    if (bucket - open == 2L * step && !Double.isNaN(value)) {
      commit(seg, local, step, open + step, value);
    }
    startStep(b, at, bucket, value);
    return true;
  }

  static double derive(int type, int step, long dt, double previous, double v) {
    if (type == CounterType.GAUGE_VALUE) {
      return v;
    }
    if (dt > 2L * step) {
      return Double.NaN;
    }
    double delta = v - previous;
    if (type == CounterType.COUNTER_VALUE && delta < 0) {
      return Double.NaN;
    }
    return delta / dt;
  }

  private static void startStep(ByteBuffer b, long at, long bucket, double value) {
    SlotState.putLong(b, at, OPEN, bucket);
    SlotState.putDouble(b, at, PDP_SUM, 0);
    SlotState.putDouble(b, at, PDP_KNOWN, 0);
    SlotState.putLong(b, at, SEG_START, bucket);
    SlotState.putDouble(b, at, HOLD, value);
  }

  /** Ends the segment holding the previous value at {@code t} and starts one holding {@code value}. */
  private static void hold(ByteBuffer b, long at, long t, double value) {
    addSegment(b, at, t);
    SlotState.putLong(b, at, SEG_START, t);
    SlotState.putDouble(b, at, HOLD, value);
  }

  private static void addSegment(ByteBuffer b, long at, long until) {
    double held = SlotState.getDouble(b, at, HOLD);
    if (!Double.isNaN(held)) {
      long seconds = until - SlotState.getLong(b, at, SEG_START);
      SlotState.putDouble(b, at, PDP_SUM, SlotState.getDouble(b, at, PDP_SUM) + held * seconds);
      SlotState.putDouble(b, at, PDP_KNOWN, SlotState.getDouble(b, at, PDP_KNOWN) + seconds);
    }
  }

  /** The open step's primary point as if it ended at {@code end} (its end, or "now" for a provisional read). */
  static double provisional(ByteBuffer b, long at, long end) {
    double sum = SlotState.getDouble(b, at, PDP_SUM);
    double known = SlotState.getDouble(b, at, PDP_KNOWN);
    double held = SlotState.getDouble(b, at, HOLD);
    if (!Double.isNaN(held)) {
      long seconds = end - SlotState.getLong(b, at, SEG_START);
      sum += held * seconds;
      known += seconds;
    }
    return known > 0 ? sum / known : Double.NaN;
  }

  private static double closeStep(ByteBuffer b, long at, long end) {
    return provisional(b, at, end);
  }

  /** Writes a finished primary point and folds it into the levels, closing the level points it completes. */
  private static void commit(Segment seg, int local, int step, long bucket, double pdp) {
    ByteBuffer b = seg.buffer();
    long at = seg.state(local);
    long lastFinal = SlotState.getLong(b, at, LAST_FINAL);
    ArchiveLayout layout = seg.layout();
    ArchiveLayout.Archive raw = layout.raw();
    long idx = Math.floorDiv(bucket, step);
    if (lastFinal != NONE) {
      fillUnknown(seg, local, raw, Math.floorDiv(lastFinal, step) + 1, idx);
    }
    seg.putCell(raw, local, (int) Math.floorMod(idx, (long) raw.rows()), (float) pdp);
    for (int l = 0; l < ArchiveLayout.LEVELS; l++) {
      int k = ArchiveLayout.levelSteps(l);
      long c = ArchiveLayout.pointIndex(bucket, step, k);
      int lo = (int) SlotState.level(at, l);
      if (lastFinal != NONE) {
        long pc = ArchiveLayout.pointIndex(lastFinal, step, k);
        if (c > pc) {
          closeLevel(seg, local, l, pc);
          for (int cf = 0; cf < 3; cf++) {
            fillUnknown(seg, local, layout.archives().get(1 + 3 * l + cf), pc + 1, c);
          }
          SlotState.resetLevel(b, at, l);
        }
      }
      if (!Double.isNaN(pdp)) {
        b.putDouble(lo, b.getDouble(lo) + pdp);
        b.putDouble(lo + 8, Math.max(b.getDouble(lo + 8), pdp));
        b.putDouble(lo + 16, Math.min(b.getDouble(lo + 16), pdp));
        b.putInt(lo + 24, b.getInt(lo + 24) + 1);
      }
    }
    SlotState.putLong(b, at, LAST_FINAL, bucket);
  }

  /** A level point is known when at most half its steps are unknown. */
  static boolean enoughKnown(int known, int k) {
    return (k - known) <= ArchiveLayout.XFF * k;
  }

  private static void closeLevel(Segment seg, int local, int l, long index) {
    ByteBuffer b = seg.buffer();
    int lo = (int) SlotState.level(seg.state(local), l);
    List<ArchiveLayout.Archive> archives = seg.layout().archives();
    ArchiveLayout.Archive avg = archives.get(1 + 3 * l);
    int known = b.getInt(lo + 24);
    boolean ok = enoughKnown(known, avg.steps());
    int row = (int) Math.floorMod(index, (long) avg.rows());
    seg.putCell(avg, local, row, ok ? (float) (b.getDouble(lo) / known) : Float.NaN);
    seg.putCell(archives.get(2 + 3 * l), local, row, ok ? (float) b.getDouble(lo + 8) : Float.NaN);
    seg.putCell(archives.get(3 + 3 * l), local, row, ok ? (float) b.getDouble(lo + 16) : Float.NaN);
  }

  /** Marks the points with indexes in {@code [from, to)} unknown (at most a whole ring). */
  private static void fillUnknown(Segment seg, int local, ArchiveLayout.Archive a, long from, long to) {
    long n = Math.min(to - from, a.rows());
    for (long i = 0; i < n; i++) {
      seg.putCell(a, local, (int) Math.floorMod(from + i, (long) a.rows()), Float.NaN);
    }
  }
}
