package io.peregrine.agent.ship;

import java.util.ArrayDeque;

/**
 * The shipper's batch buffers: a batch's {@link WireSamples} goes back here once it is settled, and the next batch
 * reuses its arrays (they are old by then: nothing per batch is promoted). Used by the shipper's worker thread only.
 */
final class WirePool {
  /** A group in flight, the batch that starts the next, and one being cut. */
  private static final int KEPT = TransferStream.MAX_IN_FLIGHT + 2;

  private final ArrayDeque<WireSamples> free = new ArrayDeque<>(KEPT);
  private final int batchSize;

  WirePool(int batchSize) {
    this.batchSize = batchSize;
  }

  WireSamples take() {
    WireSamples w = free.pollFirst();
    return w != null ? w : new WireSamples(Math.min(batchSize, 1024) * 128, batchSize);
  }

  void give(WireSamples w) {
    w.clear();
    if (free.size() < KEPT) {
      free.addFirst(w);
    }
  }
}
