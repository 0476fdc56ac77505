package io.peregrine.agent.ship;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Fills the shipper's batch from the {@link SampleQueue}: up to batchSize samples, waiting at most flushInterval for
 * the first and flushInterval more for the rest. Kept apart from the shipper so the waiting rules (and the stop checks
 * inside them) sit in one place. Used by the shipper's worker thread only.
 */
final class BatchFiller {
  /** close() is noticed this often while waiting: each check wakes an otherwise idle thread, so not more often. */
  private static final long STOP_CHECK_NANOS = Duration.ofMillis(250).toNanos();

  private final SampleQueue queue;
  private final int batchSize;
  private final long flushNanos;
  private final BooleanSupplier stopping;

  BatchFiller(SampleQueue queue, int batchSize, Duration flushInterval, BooleanSupplier stopping) {
    this.queue = queue;
    this.batchSize = batchSize;
    this.flushNanos = flushInterval.toNanos();
    this.stopping = stopping;
  }

  /**
   * Tops {@code batch} up to batchSize.
   *
   * @param noIdle do not wait for a first sample (a spool waits to be replayed and transfer is up: the worker must not
   *     idle on an empty queue)
   */
  void fill(WireSamples batch, boolean noIdle) throws InterruptedException {
    if (batch.size() >= batchSize) {
      return;
    }
    if (batch.isEmpty() && !await(System.nanoTime() + (noIdle ? 0 : flushNanos))) {
      return;
    }
    long deadline = System.nanoTime() + flushNanos;
    while (batch.size() < batchSize) {
      queue.drainTo(batch, batchSize - batch.size());
      if (batch.size() >= batchSize || !await(deadline)) {
        return;
      }
    }
  }

  /**
   * Waits for samples until the deadline, or until the shipper is stopping (checked every STOP_CHECK_NANOS).
   *
   * @return true when the queue holds samples
   */
  private boolean await(long deadlineNanos) throws InterruptedException {
    while (true) {
      long remaining = deadlineNanos - System.nanoTime();
      boolean any = queue.await(Math.max(0, Math.min(remaining, STOP_CHECK_NANOS)));
      if (any || remaining <= STOP_CHECK_NANOS || stopping.getAsBoolean()) {
        return any;
      }
    }
  }
}
