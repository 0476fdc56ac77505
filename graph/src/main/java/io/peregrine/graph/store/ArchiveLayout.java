package io.peregrine.graph.store;

import io.peregrine.proto.v1.Consolidation;
import java.util.List;

/**
 * Open-Falcon's archives, the contract of every series: the raw points for 720 steps (12 h at 60 s), then AVERAGE,
 * MAX and MIN of 5 steps for 576 rows (2 days), of 20 steps for 504 rows (7 days), of 180 steps for 766 rows (about
 * 3 months) and of 720 steps for 730 rows (1 year). Row counts are fixed, so a series with a shorter step keeps
 * proportionally less time.
 *
 * <p>Indexing: raw point {@code i} is the step starting at {@code i * step} (Open-Falcon aligns timestamps down to
 * their step). A consolidated point of {@code k} steps, {@code K = k * step} seconds, has index
 * {@code c = ceil(b / K)} for each raw step start {@code b} it holds and is reported at {@code c * K}: the 5-step
 * point at 12:05 holds the raw steps 12:01 .. 12:05. Each archive is a ring: index {@code i} lives in row
 * {@code i mod rows}.
 */
final class ArchiveLayout {
  /**
   * A consolidated point stays known while at most half of its raw points are unknown (rrdtool's usual xff 0.5);
   * Open-Falcon's 0 turned a whole 12 h point into a gap for one missed sample.
   */
  static final double XFF = 0.5;
  /**
   * Rows are stored in blocks of 16 consecutive rows of one series (64 bytes, a cache line): the newest block of
   * every series sharing a segment sits together (a point for each of them dirties few pages), and a day of one
   * series is a few dozen blocks rather than hundreds of scattered cells.
   */
  static final int BLOCK_ROWS = 16;

  /** @param level 0 for raw, 1..4 for the 5-, 20-, 180- and 720-step levels */
  record Archive(int id, Consolidation cf, int steps, int rows, int level) {
    int storedRows() {
      return (rows + BLOCK_ROWS - 1) / BLOCK_ROWS * BLOCK_ROWS;
    }
  }

  /** Consolidated levels: steps and rows. */
  static final int[] LEVEL_STEPS = {5, 20, 180, 720};
  static final int[] LEVEL_ROWS = {576, 504, 766, 730};
  static final int LEVELS = LEVEL_STEPS.length;
  static final int RAW_ROWS = 720;

  static final List<Archive> ARCHIVES;

  static {
    Archive[] a = new Archive[1 + 3 * LEVELS];
    a[0] = new Archive(0, Consolidation.AVERAGE, 1, RAW_ROWS, 0);
    Consolidation[] cfs = {Consolidation.AVERAGE, Consolidation.MAX, Consolidation.MIN};
    for (int l = 0; l < LEVELS; l++) {
      for (int c = 0; c < 3; c++) {
        int id = 1 + 3 * l + c;
        a[id] = new Archive(id, cfs[c], LEVEL_STEPS[l], LEVEL_ROWS[l], l + 1);
      }
    }
    ARCHIVES = List.of(a);
  }

  /** The archive of a level and function (level 0: the raw one whatever the function). */
  static Archive archive(int level, Consolidation cf) {
    if (level == 0) {
      return ARCHIVES.get(0);
    }
    int c = cf == Consolidation.MAX ? 1 : cf == Consolidation.MIN ? 2 : 0;
    return ARCHIVES.get(1 + 3 * (level - 1) + c);
  }

  /** Cells per series over all archives (with the block padding): 8,496, so 33,984 bytes as 4-byte floats. */
  static int cellsPerSeries() {
    int n = 0;
    for (Archive a : ARCHIVES) {
      n += a.storedRows();
    }
    return n;
  }

  /** A hash of the shape, stored in each segment so that a file written with another layout is refused. */
  static int fingerprint() {
    int h = BLOCK_ROWS;
    for (Archive a : ARCHIVES) {
      h = 31 * h + a.steps();
      h = 31 * h + a.rows();
      h = 31 * h + a.cf().getNumber();
    }
    return h;
  }

  private ArchiveLayout() {}

  /** Timestamps are stored at the start of their step, as Open-Falcon's transfer aligns them. */
  static long align(long timestamp, int step) {
    return timestamp - Math.floorMod(timestamp, step);
  }

  /** The index of the point of {@code k}-step archive holding the raw step starting at {@code bucket}. */
  static long pointIndex(long bucket, int step, int k) {
    long width = (long) k * step;
    return k == 1 ? Math.floorDiv(bucket, step) : -Math.floorDiv(-bucket, width);
  }

  /**
   * The archive a query reads. Candidates are the archives of the wanted function plus the raw one (at one step
   * every function gives the same value). Among those whose ring reaches back to {@code start} (counted from the
   * series' newest point), the one whose step is closest to {@code resolution} (the finer on a tie); when none
   * reaches back that far, the one reaching furthest.
   *
   * @param newestBucket the start of the series' newest raw step
   * @param resolution wanted seconds per point (the raw step for "finest")
   */
  static Archive choose(int step, long newestBucket, long start, Consolidation cf, long resolution) {
    Archive best = null;
    long bestDiff = Long.MAX_VALUE;
    Archive furthest = null;
    long furthestStart = Long.MAX_VALUE;
    for (int level = 0; level <= LEVELS; level++) {
      Archive a = archive(level, cf);
      long width = (long) a.steps() * step;
      long newest = pointIndex(newestBucket, step, a.steps());
      long oldestTime = (newest - a.rows() + 1) * width;
      long firstWanted = a.steps() == 1 ? Math.floorDiv(start + width - 1, width) * width
          : -Math.floorDiv(-start, width) * width;
      if (oldestTime <= firstWanted) {
        long diff = Math.abs(width - resolution);
        if (diff < bestDiff) {
          best = a;
          bestDiff = diff;
        }
      } else if (oldestTime < furthestStart) {
        furthest = a;
        furthestStart = oldestTime;
      }
    }
    return best != null ? best : furthest;
  }
}
