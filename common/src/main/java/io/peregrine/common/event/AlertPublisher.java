package io.peregrine.common.event;

/** Where a judge puts events: Redis in production, an in-process queue in all-in-one. */
public interface AlertPublisher {
  /**
   * Hands the event over durably (for Redis: the LPUSH returned).
   *
   * @throws AlertQueueException when it could not; the caller keeps the event and retries
   */
  void publish(AlertEvent event) throws AlertQueueException;

  /** True when the queue is reachable; feeds /health. */
  boolean healthy();
}
