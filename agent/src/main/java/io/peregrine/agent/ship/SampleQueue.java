package io.peregrine.agent.ship;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.proto.v1.Sample;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded buffer between the producers (collectors, the push API) and the shipper. {@link #offer} never blocks:
 * when the queue is full (or closed for shutdown) it refuses, and the producer answers or counts the refusal
 * (the push API replies OVERLOADED for that sample, the collectors count it as dropped with reason queue_full).
 * What it takes and gives out is counted in its {@link SampleLedger} in the same step.
 */
public final class SampleQueue {
  private final ArrayBlockingQueue<Sample> queue;
  private final int capacity;
  private volatile boolean closed;
  private final SampleLedger ledger;

  public SampleQueue(int capacity, MeterRegistry registry) {
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.ledger = new SampleLedger(registry);
    Gauge.builder("agent_queue_capacity_samples", () -> capacity)
        .description("the most samples the queue holds").register(registry);
  }

  /** False when the queue is full or closed; never blocks. */
  public boolean offer(Sample sample) {
    if (closed) {
      return false;
    }
    // the ledger's lock around both, so no one sees the sample taken before it was counted in
    synchronized (ledger) {
      if (!queue.offer(sample)) {
        return false;
      }
      ledger.offeredLocked();
    }
    return true;
  }

  /**
   * Offers samples in order and stops at the first the queue refuses (full or closed): one lock and one count for a
   * whole push instead of one per sample. Never blocks.
   *
   * @return how many were taken: {@code samples.subList(0, n)}; the rest were not
   */
  public int offerAll(List<Sample> samples) {
    if (closed) {
      return 0;
    }
    int n = 0;
    synchronized (ledger) {
      for (int size = samples.size(); n < size && queue.offer(samples.get(n)); n++) {
        // taken
      }
      if (n > 0) {
        ledger.offeredLocked(n);
      }
    }
    return n;
  }

  /** Where every sample this queue took is now. */
  public SampleLedger ledger() {
    return ledger;
  }

  /** Refuses new samples from now on; what is queued stays for the shipper's final flush. */
  void closeIntake() {
    closed = true;
  }

  /** Takes one sample into the caller's hand (counted so in the ledger). */
  Sample poll(long timeoutNanos) throws InterruptedException {
    Sample s = queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    if (s != null) {
      ledger.taken(1);
    }
    return s;
  }

  /** Takes up to {@code max} samples into the caller's hand (counted so in the ledger). */
  public int drainTo(Collection<Sample> into, int max) {
    int n = queue.drainTo(into, max);
    if (n > 0) {
      ledger.taken(n);
    }
    return n;
  }

  public int size() {
    return queue.size();
  }

  public int capacity() {
    return capacity;
  }

  public boolean full() {
    return queue.remainingCapacity() == 0;
  }
}
