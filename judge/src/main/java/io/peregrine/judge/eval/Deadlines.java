package io.peregrine.judge.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * When silence checks are due: one entry per (series, nodata rule) and per mocked series, ordered by time. A
 * sample never touches the queue (it only moves the series' receipt time); when an entry comes due, the check
 * looks at the receipt time and either fires or queues the entry again at the real deadline. So a series costs
 * one entry (about 40 bytes) and one O(log n) re-queue per silence period, never a scan of every series.
 */
final class Deadlines {
  /** @param ruleKey the nodata rule's key, or null for the series' mock config */
  record Entry(long dueMillis, SeriesState state, String ruleKey) {}

  private final PriorityQueue<Entry> queue = new PriorityQueue<>(Comparator.comparingLong(Entry::dueMillis));

  synchronized void add(Entry e) {
    queue.add(e);
  }

  /** Removes and returns the entries due at {@code nowMillis}, at most {@code max}. */
  synchronized List<Entry> pollDue(long nowMillis, int max) {
    List<Entry> out = new ArrayList<>();
    while (out.size() < max && !queue.isEmpty() && queue.peek().dueMillis() <= nowMillis) {
      out.add(queue.poll());
    }
    return out;
  }

  synchronized int size() {
    return queue.size();
  }
}
