package io.peregrine.graph.store;

import io.peregrine.proto.v1.Consolidation;
import io.peregrine.proto.v1.CounterType;
import java.net.URI;
import java.util.List;
import org.rrd4j.ConsolFun;
import org.rrd4j.DsType;
import org.rrd4j.core.RrdDef;

/**
 * The shape of every series' RRD file, Open-Falcon's archives: the raw points for 720 steps (12 h at 60 s), then
 * AVERAGE, MAX and MIN of 5 steps for 576 rows (2 days), of 20 steps for 504 rows (7 days), of 180 steps for 766
 * rows (about 3 months) and of 720 steps for 730 rows (1 year). Row counts are fixed, so a series with a shorter
 * step keeps proportionally less time. About 68 KiB per file.
 */
final class RrdLayout {
  static final String DS_NAME = "metric";
  /**
   * A consolidated point stays known while at most half of its raw points are unknown (rrdtool's usual value);
   * Open-Falcon's 0 turned a whole 12 h point into a gap for one missed sample.
   */
  static final double XFF = 0.5;

  record Archive(ConsolFun cf, int steps, int rows) {}

  static final List<Archive> ARCHIVES = List.of(
      new Archive(ConsolFun.AVERAGE, 1, 720),
      new Archive(ConsolFun.AVERAGE, 5, 576), new Archive(ConsolFun.MAX, 5, 576), new Archive(ConsolFun.MIN, 5, 576),
      new Archive(ConsolFun.AVERAGE, 20, 504), new Archive(ConsolFun.MAX, 20, 504),
      new Archive(ConsolFun.MIN, 20, 504),
      new Archive(ConsolFun.AVERAGE, 180, 766), new Archive(ConsolFun.MAX, 180, 766),
      new Archive(ConsolFun.MIN, 180, 766),
      new Archive(ConsolFun.AVERAGE, 720, 730), new Archive(ConsolFun.MAX, 720, 730),
      new Archive(ConsolFun.MIN, 720, 730));

  private RrdLayout() {}

  /** Timestamps are stored at the start of their step, as Open-Falcon's transfer aligns them. */
  static long align(long timestamp, int step) {
    return timestamp - Math.floorMod(timestamp, step);
  }

  /**
   * The definition of a new file whose first sample is at {@code firstTimestamp} (aligned): the file starts one
   * second earlier, so that the first sample already fills its own step instead of only initialising the file.
   */
  static RrdDef definition(URI path, SeriesMeta meta, long firstTimestamp) {
    RrdDef def = new RrdDef(path, firstTimestamp - 1, meta.step());
    long heartbeat = 2L * meta.step();
    switch (meta.counterType()) {
      // a counter reset gives a negative rate, below the minimum: rrd4j stores no point for it
      case COUNTER -> def.addDatasource(DS_NAME, DsType.DERIVE, heartbeat, 0, Double.NaN);
      case DERIVE -> def.addDatasource(DS_NAME, DsType.DERIVE, heartbeat, Double.NaN, Double.NaN);
      default -> def.addDatasource(DS_NAME, DsType.GAUGE, heartbeat, Double.NaN, Double.NaN);
    }
    for (Archive a : ARCHIVES) {
      def.addArchive(a.cf(), XFF, a.steps(), a.rows());
    }
    return def;
  }

  static ConsolFun consolFun(Consolidation c) {
    return switch (c) {
      case MAX -> ConsolFun.MAX;
      case MIN -> ConsolFun.MIN;
      default -> ConsolFun.AVERAGE;
    };
  }

  static boolean isRate(CounterType type) {
    return type == CounterType.COUNTER || type == CounterType.DERIVE;
  }

  /**
   * The archive a query reads, deciding the same way rrd4j's own matching does so that the fetch lands on it.
   * Candidates are the archives of the wanted function plus the raw one (at one step every function gives the same
   * value). Among those reaching back to {@code first}, the one whose step is closest to {@code resolution} (the
   * finer on a tie); when none reaches back that far, the one reaching furthest.
   *
   * @param lastUpdate the file's last update time: archives end at it
   * @param first the first wanted point's timestamp
   * @param resolution wanted seconds per point (the raw step for "finest")
   */
  static Archive choose(int step, long lastUpdate, long first, ConsolFun cf, long resolution) {
    Archive best = null;
    long bestDiff = Long.MAX_VALUE;
    Archive furthest = null;
    long furthestStart = Long.MAX_VALUE;
    for (Archive a : ARCHIVES) {
      if (a.steps() != 1 && a.cf() != cf) {
        continue;
      }
      long arcStep = (long) a.steps() * step;
      long end = lastUpdate - Math.floorMod(lastUpdate, arcStep);
      // rrd4j counts an archive as covering when its first row's interval starts at or before the fetch start
      long start = end - (long) (a.rows() - 1) * arcStep - arcStep;
      if (start <= first) {
        long diff = Math.abs(arcStep - resolution);
        if (diff < bestDiff) {
          best = a;
          bestDiff = diff;
        }
      } else if (start < furthestStart) {
        furthest = a;
        furthestStart = start;
      }
    }
    return best != null ? best : furthest;
  }
}
