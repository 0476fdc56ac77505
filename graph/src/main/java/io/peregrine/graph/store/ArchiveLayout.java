package io.peregrine.graph.store;

import io.peregrine.graph.GraphConfig;
import io.peregrine.proto.v1.Consolidation;
import java.util.List;

/**
 * The archives of every series of one store: the raw points for {@code rawRows} steps ({@code graph.rawRows},
 * Open-Falcon's 720 by default: 12 h at 60 s), then AVERAGE, MAX and MIN of 5 steps for 576 rows (2 days), of 20
 * steps for 504 rows (7 days), of 180 steps for 766 rows (about 3 months) and of 720 steps for 730 rows (1 year).
 * Row counts are fixed per store, so a series with a shorter step keeps proportionally less time. Immutable: one
 * instance is built from the configuration and handed to the segments, which every reader and writer goes through.
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
  /** Open-Falcon's raw archive: 720 rows, 12 h at a 60 s step. */
  static final int OPEN_FALCON_RAW_ROWS = GraphConfig.OPEN_FALCON_RAW_ROWS;
  /** The most raw rows; see {@link GraphConfig#MAX_RAW_ROWS}. */
  static final int MAX_RAW_ROWS = GraphConfig.MAX_RAW_ROWS;

  /** @param level 0 for raw, 1..4 for the 5-, 20-, 180- and 720-step levels */
  record Archive(int id, Consolidation cf, int steps, int rows, int level) {
    int storedRows() {
      return (rows + BLOCK_ROWS - 1) / BLOCK_ROWS * BLOCK_ROWS;
    }
  }

  /** Consolidated levels: steps and rows (Open-Falcon's, not configurable). */
  private static final int[] LEVEL_STEPS = {5, 20, 180, 720};
  private static final int[] LEVEL_ROWS = {576, 504, 766, 730};
  static final int LEVELS = LEVEL_STEPS.length;
  private static final Consolidation[] CFS = {Consolidation.AVERAGE, Consolidation.MAX, Consolidation.MIN};

  private static final ArchiveLayout OPEN_FALCON = new ArchiveLayout(OPEN_FALCON_RAW_ROWS);

  private final int rawRows;
  private final List<Archive> archives;
  private final int cellsPerSeries;
  private final int fingerprint;

  private ArchiveLayout(int rawRows) {
    if (rawRows < 1 || rawRows > MAX_RAW_ROWS) {
      throw new IllegalArgumentException("graph.rawRows must be 1.." + MAX_RAW_ROWS + ", got " + rawRows);
    }
    this.rawRows = rawRows;
    Archive[] a = new Archive[1 + 3 * LEVELS];
    a[0] = new Archive(0, Consolidation.AVERAGE, 1, rawRows, 0);
    for (int l = 0; l < LEVELS; l++) {
      for (int c = 0; c < 3; c++) {
        int id = 1 + 3 * l + c;
        a[id] = new Archive(id, CFS[c], LEVEL_STEPS[l], LEVEL_ROWS[l], l + 1);
      }
    }
    this.archives = List.of(a);
    int cells = 0;
    int h = BLOCK_ROWS;
    for (Archive x : archives) {
      cells += x.storedRows();
      h = 31 * h + x.steps();
      h = 31 * h + x.rows();
      h = 31 * h + x.cf().getNumber();
    }
    this.cellsPerSeries = cells;
    this.fingerprint = h;
  }

  /** Open-Falcon's archives (720 raw rows). */
  static ArchiveLayout openFalcon() {
    return OPEN_FALCON;
  }

  /** Open-Falcon's consolidated archives behind a raw archive of {@code rawRows} steps. */
  static ArchiveLayout withRawRows(int rawRows) {
    return rawRows == OPEN_FALCON_RAW_ROWS ? OPEN_FALCON : new ArchiveLayout(rawRows);
  }

  int rawRows() {
    return rawRows;
  }

  List<Archive> archives() {
    return archives;
  }

  Archive raw() {
    return archives.get(0);
  }

  /** Steps per point of a consolidated level (0-based over the consolidated levels). */
  static int levelSteps(int l) {
    return LEVEL_STEPS[l];
  }

  /** The archive of a level and function (level 0: the raw one whatever the function). */
  Archive archive(int level, Consolidation cf) {
    if (level == 0) {
      return archives.get(0);
    }
    int c = cf == Consolidation.MAX ? 1 : cf == Consolidation.MIN ? 2 : 0;
    return archives.get(1 + 3 * (level - 1) + c);
  }

  /** Cells per series over all archives (with the block padding): 8,496 with 720 raw rows (33,984 bytes). */
  int cellsPerSeries() {
    return cellsPerSeries;
  }

  /** Disk bytes of one series once every archive is full: its state plus every cell. */
  long fullSeriesBytes() {
    return SlotState.BYTES + 4L * cellsPerSeries;
  }

  /**
   * A hash of the shape, stored in each segment so that a file written with another layout is refused. The formula
   * is the one of the builds before {@code graph.rawRows}, so their segments (720 raw rows) still open.
   */
  int fingerprint() {
    return fingerprint;
  }

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
   * series' newest point; the raw archive reaches {@code rawRows} steps behind the step in progress), the one whose
   * step is closest to {@code resolution} (the finer on a tie); when none reaches back that far, the one reaching
   * furthest.
   *
   * @param newestBucket the start of the series' newest raw step
   * @param resolution wanted seconds per point (the raw step for "finest")
   */
  Archive choose(int step, long newestBucket, long start, Consolidation cf, long resolution) {
    Archive best = null;
    long bestDiff = Long.MAX_VALUE;
    Archive furthest = null;
    long furthestStart = Long.MAX_VALUE;
    for (int level = 0; level <= LEVELS; level++) {
      Archive a = archive(level, cf);
      long width = (long) a.steps() * step;
      long newest = pointIndex(newestBucket, step, a.steps());
      // the raw ring holds the rows finished steps before the one in progress (which is answered from the slot's
      // state, not the ring): rows + 1 points, so 1,440 rows answer a whole day with both ends included
      long oldestTime = (newest - a.rows() + (a.steps() == 1 ? 0 : 1)) * width;
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

  @Override
  public String toString() {
    return "raw " + rawRows + " rows, then 5/20/180/720 steps x 576/504/766/730 rows";
  }
}
