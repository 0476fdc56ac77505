package io.peregrine.common.event;

import java.time.Duration;

/**
 * Where a sender takes events from, most urgent first. Taking does not remove: an event stays owned by the sender
 * until {@link #ack} (delivered) or {@link #deadLetter} (given up, kept for an operator), so a crash between take and
 * delivery redelivers instead of losing it (at-least-once).
 */
public interface AlertSource {
  /** @return the next event, or null when none arrived within {@code wait} */
  Delivery take(Duration wait) throws InterruptedException, AlertQueueException;

  void ack(Delivery delivery) throws AlertQueueException;

  /** Gives up on an event: it is kept, with the reason, where an operator can see and replay it. */
  void deadLetter(Delivery delivery, String reason) throws AlertQueueException;

  boolean healthy();

  /** An event taken from a queue; {@code raw} is its text as stored, needed to acknowledge it. */
  record Delivery(AlertEvent event, String raw) {}
}
