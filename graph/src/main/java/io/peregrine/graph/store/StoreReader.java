package io.peregrine.graph.store;

import io.peregrine.proto.v1.Consolidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The read side of {@link GraphStore}: history and last values from the segments, under each slot's lock. */
final class StoreReader {
  private final SeriesIndex index;
  private final SegmentFiles files;
  private final int maxQueryPoints;

  StoreReader(SeriesIndex index, SegmentFiles files, int maxQueryPoints) {
    this.index = index;
    this.files = files;
    this.maxQueryPoints = maxQueryPoints;
  }

  /** {@link GraphStore#queryWithLookback}. */
  Optional<QueryResult> query(String key, Consolidation cf, long lookbackStart, long start,
      long end, int resolution) {
    checkRange(lookbackStart, start, resolution);
    checkRange(start, end, resolution);
    SeriesMeta meta = index.get(key);
    if (meta == null) {
      return Optional.empty();
    }
    Segment seg = files.forRead(meta.slot());
    if (seg == null) {
      return Optional.of(new QueryResult(meta, meta.step(), meta.counterType(), new long[0], new double[0]));
    }
    synchronized (files.lock(meta.slot())) {
      return Optional.of(ArchiveReader.fetch(seg, SegmentFiles.local(meta.slot()), meta, cf, lookbackStart, start,
          end, resolution, maxQueryPoints));
    }
  }

  List<QueryResult> query(List<String> keys, Consolidation cf, long start, long end, int resolution) {
    checkRange(start, end, resolution);
    List<QueryResult> out = new ArrayList<>(keys.size());
    for (String key : keys) {
      query(key, cf, start, start, end, resolution).ifPresent(out::add);
    }
    return out;
  }

  static void checkRange(long start, long end, int resolution) {
    if (start < 0 || end < 0 || start > GraphStore.MAX_TIMESTAMP || end > GraphStore.MAX_TIMESTAMP) {
      throw new IllegalArgumentException("start and end must be unix seconds within 0.." + GraphStore.MAX_TIMESTAMP
          + ", got start " + start + ", end " + end);
    }
    if (start > end) {
      throw new IllegalArgumentException("start " + start + " is after end " + end);
    }
    if (resolution < 0) {
      throw new IllegalArgumentException("resolution must be 0 (finest) or seconds per point, got " + resolution);
    }
  }

  Optional<LastPoint> last(String key) {
    SeriesMeta meta = index.get(key);
    if (meta == null) {
      return Optional.empty();
    }
    Segment seg = files.forRead(meta.slot());
    if (seg == null) {
      return Optional.empty();
    }
    long at = seg.state(SegmentFiles.local(meta.slot()));
    synchronized (files.lock(meta.slot())) {
      long t = SlotState.getLong(seg.buffer(), at, SlotState.LAST_T);
      if (!SlotState.used(seg.buffer(), at) || t == SlotState.NONE) {
        return Optional.empty();
      }
      return Optional.of(new LastPoint(t, SlotState.getDouble(seg.buffer(), at, SlotState.LAST_V)));
    }
  }
}
