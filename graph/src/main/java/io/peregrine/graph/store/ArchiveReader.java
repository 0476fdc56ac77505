package io.peregrine.graph.store;

import io.peregrine.proto.v1.Consolidation;
import java.nio.ByteBuffer;

/**
 * Reads a range of one series from its slot: picks the archive of the segment's layout ({@link ArchiveLayout#choose}), refuses ranges over
 * the point limit, and answers every point of that archive whose timestamp lies in the range, NaN where nothing is
 * known. The newest point of each archive is provisional, consolidated from what has arrived so far (the open step,
 * the open level point): what the writer has applied is visible at once, nothing waits for a flush.
 *
 * <p>Values are stored as floats; they are answered as the shortest decimal that reads back as the same float, so
 * 0.1 comes back as 0.1 rather than 0.10000000149011612.
 */
final class ArchiveReader {
  private ArchiveReader() {}

  /**
   * Caller holds the slot's lock.
   *
   * @param chooseFrom the start the archive is chosen for ({@code start} itself, or later when the caller reads a
   *     lookback before its range: those points must not make the answer coarser)
   */
  static QueryResult fetch(Segment seg, int local, SeriesMeta meta, Consolidation cf, long start, long chooseFrom,
      long end, int resolution, int maxPoints) {
    ByteBuffer b = seg.buffer();
    long at = seg.state(local);
    int step = meta.step();
    long open = SlotState.getLong(b, at, SlotState.OPEN);
    if (!SlotState.used(b, at) || open == SlotState.NONE) {
      return new QueryResult(meta, step, meta.counterType(), new long[0], new double[0]);
    }
    long wanted = resolution == 0 ? step : resolution;
    ArchiveLayout.Archive a = seg.layout().choose(step, open, chooseFrom, cf, wanted);
    int k = a.steps();
    long width = (long) k * step;
    long fi = -Math.floorDiv(-start, width);
    long li = Math.floorDiv(end, width);
    if (fi > li) {
      return new QueryResult(meta, (int) width, meta.counterType(), new long[0], new double[0]);
    }
    long count = li - fi + 1;
    if (count > maxPoints) {
      throw new IllegalArgumentException("range " + start + ".." + end + " is " + count + " points at " + width
          + " s per point, more than the " + maxPoints + " allowed: narrow the range or ask for a "
          + "coarser resolution");
    }
    long first = SlotState.getLong(b, at, SlotState.FIRST);
    long lastFinal = SlotState.getLong(b, at, SlotState.LAST_FINAL);
    long firstIdx = ArchiveLayout.pointIndex(first, step, k);
    long newestIdx = ArchiveLayout.pointIndex(open, step, k);
    long finalIdx = lastFinal == SlotState.NONE ? Long.MIN_VALUE / 2 : ArchiveLayout.pointIndex(lastFinal, step, k);
    double pdp = Consolidator.provisional(b, at, open + step);
    long[] times = new long[(int) count];
    double[] values = new double[(int) count];
    for (int i = 0; i < count; i++) {
      long idx = fi + i;
      times[i] = idx * width;
      values[i] = idx < firstIdx ? Double.NaN
          : k == 1 ? raw(seg, local, a, idx, newestIdx, finalIdx, pdp)
          : level(seg, local, a, idx, newestIdx, finalIdx, pdp);
    }
    return new QueryResult(meta, (int) width, meta.counterType(), times, values);
  }

  private static double raw(Segment seg, int local, ArchiveLayout.Archive a, long idx, long newestIdx, long finalIdx,
      double pdp) {
    if (idx == newestIdx) {
      return decimal((float) pdp);
    }
    if (idx <= finalIdx && idx > finalIdx - a.rows()) {
      return decimal(seg.getCell(a, local, (int) Math.floorMod(idx, (long) a.rows())));
    }
    return Double.NaN;
  }

  private static double level(Segment seg, int local, ArchiveLayout.Archive a, long idx, long newestIdx,
      long finalIdx, double pdp) {
    if (idx < finalIdx) {
      return idx >= finalIdx - a.rows()
          ? decimal(seg.getCell(a, local, (int) Math.floorMod(idx, (long) a.rows()))) : Double.NaN;
    }
    if (idx == finalIdx) {
      ByteBuffer b = seg.buffer();
      int lo = (int) SlotState.level(seg.state(local), a.level() - 1);
      double sum = b.getDouble(lo);
      double max = b.getDouble(lo + 8);
      double min = b.getDouble(lo + 16);
      int known = b.getInt(lo + 24);
      boolean provisional = newestIdx == finalIdx;
      if (provisional && !Double.isNaN(pdp)) {
        sum += pdp;
        max = Math.max(max, pdp);
        min = Math.min(min, pdp);
        known++;
      }
      if (known == 0 || (!provisional && !Consolidator.enoughKnown(known, a.steps()))) {
        return Double.NaN;
      }
      return decimal((float) pick(a.cf(), sum / known, max, min));
    }
    return idx == newestIdx ? decimal((float) pdp) : Double.NaN;
  }

  private static double pick(Consolidation cf, double avg, double max, double min) {
    return cf == Consolidation.MAX ? max : cf == Consolidation.MIN ? min : avg;
  }

  /** The shortest decimal reading back as this float (NaN stays NaN). */
  static double decimal(float f) {
    if (Float.isNaN(f) || Float.isInfinite(f) || f == (long) f) {
      return f;
    }
    return Double.parseDouble(Float.toString(f));
  }
}
