package io.peregrine.agent.ship;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.proto.v1.Sample;
import java.util.Collection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded buffer between the producers (collectors, the push API) and the shipper. {@link #offer} never blocks:
 * when the queue is full (or closed for shutdown) it refuses, and the producer answers or counts the refusal
 * (the push API replies OVERLOADED for that sample, the collectors count it as dropped with reason queue_full).
 */
public final class SampleQueue {
  private final ArrayBlockingQueue<Sample> queue;
  private final int capacity;
  private volatile boolean closed;
  private final Counter in;

  public SampleQueue(int capacity, MeterRegistry registry) {
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity);
    Gauge.builder("agent_queue_samples", queue, ArrayBlockingQueue::size)
        .description("samples waiting for the shipper").register(registry);
    Gauge.builder("agent_queue_capacity_samples", () -> capacity)
        .description("the most samples the queue holds").register(registry);
    this.in = Counter.builder("agent_in_samples")
        .description("samples the queue took for shipping: in = sent + dropped by the shipper + spooled + pending")
        .register(registry);
  }

  /** False when the queue is full or closed; never blocks. */
  public boolean offer(Sample sample) {
    if (!closed && queue.offer(sample)) {
      in.increment();
      return true;
    }
    return false;
  }

  /** Refuses new samples from now on; what is queued stays for the shipper's final flush. */
  void closeIntake() {
    closed = true;
  }

  Sample poll(long timeoutNanos) throws InterruptedException {
    return queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
  }

  public int drainTo(Collection<Sample> into, int max) {
    return queue.drainTo(into, max);
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
