package io.peregrine.agent.ship;

import io.peregrine.proto.v1.Sample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts the batches that go to transfer together (in flight at once): a full batch and more from the queue, with no
 * series in two of them. So whatever transfer refuses as OVERLOADED in one batch (spooled, sent again later) never
 * has newer samples of its series accepted in another batch of the group: per-series order holds as with one batch
 * at a time.
 */
final class BatchGroup {
  private BatchGroup() {}

  /**
   * @param batch the first batch, in the shipper's hand; on return it holds what starts the next batch (the first
   *     sample whose series an earlier batch of the group holds, and what followed it)
   * @return the group, the first batch first; at most {@code max} batches of at most {@code batchSize} samples
   */
  static List<List<Sample>> form(List<Sample> batch, SampleQueue queue, int batchSize, int max) {
    List<List<Sample>> group = new ArrayList<>(max);
    Set<Long> seen = new HashSet<>();
    List<Sample> first = new ArrayList<>(batch);
    batch.clear();
    first.forEach(x -> seen.add(seriesKey(x)));
    group.add(first);
    while (group.size() < max && batch.isEmpty() && queue.size() > 0) {
      List<Sample> next = new ArrayList<>(batchSize);
      queue.drainTo(next, batchSize);
      int cut = next.size();
      Set<Long> mine = new HashSet<>();
      for (int i = 0; i < next.size(); i++) {
        long key = seriesKey(next.get(i));
        if (seen.contains(key)) {
          cut = i;
          break;
        }
        mine.add(key); // repeats within one batch are fine: transfer takes a batch in order
      }
      if (cut < next.size()) {
        batch.addAll(next.subList(cut, next.size()));
        next = new ArrayList<>(next.subList(0, cut));
      }
      seen.addAll(mine);
      if (!next.isEmpty()) {
        group.add(next);
      }
    }
    return group;
  }

  /** Endpoint, metric and tags folded to 64 bits: equal series, equal keys (a collision only ends a group early). */
  static long seriesKey(Sample s) {
    return ((long) s.getEndpoint().hashCode() << 32) ^ (s.getMetric().hashCode() * 0x9E3779B97F4A7C15L)
        ^ s.getTags().hashCode();
  }
}
