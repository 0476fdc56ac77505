package io.peregrine.agent.ship;

import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks the spooled batches replayed together (in flight at once): the oldest, then each next one as long as none of
 * its series is in an earlier batch of the group. Whatever transfer refuses as OVERLOADED in one of them stays in the
 * spool, in its place, and is sent again before anything newer of its series, since no other batch of the group holds
 * that series: per-series order holds as with one batch at a time. The group is a prefix of the spool, so a batch
 * that shares a series with an earlier one waits for the next group.
 *
 * <p>The batch read last and left out is kept for the next group (a spool of collection rounds, where every batch
 * shares series with the next, would otherwise read each file twice). Used by the shipper's worker thread only.
 */
final class ReplayGroup {
  /** One spooled batch and its samples. */
  record Member(DiskSpool.Entry entry, List<Sample> samples) {}

  private final DiskSpool spool;
  private DiskSpool.Entry keptEntry;
  private List<Sample> keptSamples;

  ReplayGroup(DiskSpool spool) {
    this.spool = spool;
  }

  /**
   * @return at most {@code max} batches, the spool's oldest first; empty when the batches looked at could not be read
   *     (the spool deleted and counted them)
   */
  List<Member> next(int max) {
    List<Member> group = new ArrayList<>(max);
    Set<Long> seen = new HashSet<>();
    for (DiskSpool.Entry e : spool.oldest(max)) {
      List<Sample> samples = read(e);
      if (samples == null) {
        continue; // unreadable: read() deleted and counted it
      }
      Set<Long> mine = new HashSet<>();
      boolean overlaps = false;
      for (Sample s : samples) {
        long key = BatchGroup.seriesKey(s);
        if (group.size() > 0 && seen.contains(key)) {
          overlaps = true;
          break;
        }
        mine.add(key);
      }
      if (overlaps) {
        keptEntry = e;
        keptSamples = samples;
        break;
      }
      seen.addAll(mine);
      group.add(new Member(e, samples));
    }
    return group;
  }

  private List<Sample> read(DiskSpool.Entry e) {
    if (e == keptEntry) {
      List<Sample> samples = keptSamples;
      keptEntry = null;
      keptSamples = null;
      return samples;
    }
    SampleBatch batch = spool.read(e);
    return batch == null ? null : batch.getSamplesList();
  }
}
