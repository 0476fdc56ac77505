package io.peregrine.graph.store;

import java.io.IOException;
import java.util.Arrays;
import org.rrd4j.ConsolFun;
import org.rrd4j.core.FetchData;
import org.rrd4j.core.RrdDb;

/**
 * Reads a range of one series from its open file: picks the archive ({@link RrdLayout#choose}), refuses ranges over
 * the point limit, and keeps the points whose timestamps lie within the range. The step reported is the one rrd4j
 * actually read (it matches the choice unless an update moved the archive ends in between).
 */
final class ArchiveReader {
  private ArchiveReader() {}

  static QueryResult fetch(RrdDb db, SeriesMeta meta, ConsolFun cf, long start, long end, int resolution,
      int maxPoints) throws IOException {
    long lastUpdate = db.getLastUpdateTime();
    long wanted = resolution == 0 ? meta.step() : resolution;
    RrdLayout.Archive archive = RrdLayout.choose(meta.step(), lastUpdate, start, cf, wanted);
    long arcStep = (long) archive.steps() * meta.step();
    long first = Math.floorDiv(start + arcStep - 1, arcStep) * arcStep;
    long last = Math.floorDiv(end, arcStep) * arcStep;
    if (first > last) {
      return new QueryResult(meta, (int) arcStep, meta.counterType(), new long[0], new double[0]);
    }
    long count = (last - first) / arcStep + 1;
    if (count > maxPoints) {
      throw new IllegalArgumentException("range " + start + ".." + end + " is " + count + " points at " + arcStep
          + " s per point, more than the " + maxPoints + " allowed: narrow the range or ask for a "
          + "coarser resolution");
    }
    FetchData data = db.createFetchRequest(archive.cf(), first, last, arcStep).fetchData();
    long[] times = data.getTimestamps();
    double[] values = data.getValues(0);
    int from = 0;
    while (from < times.length && times[from] < start) {
      from++;
    }
    int to = times.length;
    while (to > from && times[to - 1] > end) {
      to--;
    }
    return new QueryResult(meta, (int) data.getArcStep(), meta.counterType(), Arrays.copyOfRange(times, from, to),
        Arrays.copyOfRange(values, from, to));
  }
}
