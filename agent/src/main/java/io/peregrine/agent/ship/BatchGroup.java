package io.peregrine.agent.ship;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the batches that go to transfer together (in flight at once): a full batch and more from the queue, with no
 * series in two of them. So whatever transfer refuses as OVERLOADED in one batch (spooled, sent again later) never
 * has newer samples of its series accepted in another batch of the group: per-series order holds as with one batch
 * at a time.
 */
final class BatchGroup {
  private BatchGroup() {}

  /**
   * @param first the first batch, in the shipper's hand: the group's first member
   * @param carry empty; on return it holds what starts the next batch (the first sample whose series an earlier
   *     batch of the group holds, and what followed it)
   * @return the group, {@code first} first; at most {@code max} batches of at most {@code batchSize} samples
   */
  static List<WireSamples> form(WireSamples first, WireSamples carry, SampleQueue queue, int batchSize, int max,
      WirePool pool, SeriesOwners owners) {
    List<WireSamples> group = new ArrayList<>(max);
    owners.clear();
    for (int i = 0; i < first.size(); i++) {
      owners.claim(first.key(i), 0);
    }
    group.add(first);
    while (group.size() < max && carry.isEmpty() && queue.size() > 0) {
      WireSamples next = pool.take();
      queue.drainTo(next, batchSize);
      int index = group.size();
      int cut = next.size();
      for (int i = 0; i < next.size(); i++) {
        // repeats within one batch are fine: transfer takes a batch in order
        if (owners.claim(next.key(i), index) != index) {
          cut = i;
          break;
        }
      }
      if (cut < next.size()) {
        carry.appendRange(next, cut, next.size());
        next.truncate(cut);
      }
      if (next.isEmpty()) {
        pool.give(next);
      } else {
        group.add(next);
      }
    }
    return group;
  }
}
