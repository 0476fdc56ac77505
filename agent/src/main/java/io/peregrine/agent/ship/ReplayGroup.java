package io.peregrine.agent.ship;

import java.util.ArrayList;
import java.util.List;

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
  record Member(DiskSpool.Entry entry, WireSamples samples) {}

  private final DiskSpool spool;
  private final SeriesOwners owners = new SeriesOwners();
  private DiskSpool.Entry keptEntry;
  private WireSamples keptSamples;

  ReplayGroup(DiskSpool spool) {
    this.spool = spool;
  }

  /**
   * @return at most {@code max} batches, the spool's oldest first; empty when the batches looked at could not be read
   *     (the spool deleted and counted them)
   */
  List<Member> next(int max) {
    List<Member> group = new ArrayList<>(max);
    owners.clear();
    for (DiskSpool.Entry e : spool.oldest(max)) {
      WireSamples samples = read(e);
      if (samples == null) {
        continue; // unreadable: read() deleted and counted it
      }
      int index = group.size();
      boolean overlaps = false;
      for (int i = 0; i < samples.size(); i++) {
        if (owners.claim(samples.key(i), index) != index) {
          overlaps = true;
          break;
        }
      }
      if (overlaps) {
        keptEntry = e;
        keptSamples = samples;
        break;
      }
      group.add(new Member(e, samples));
    }
    return group;
  }

  private WireSamples read(DiskSpool.Entry e) {
    if (e == keptEntry) {
      WireSamples samples = keptSamples;
      keptEntry = null;
      keptSamples = null;
      return samples;
    }
    return spool.read(e);
  }
}
