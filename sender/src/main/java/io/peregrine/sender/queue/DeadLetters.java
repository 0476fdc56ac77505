package io.peregrine.sender.queue;

import java.util.List;

/** The events a sender gave up on, as an operator sees them over HTTP. */
public interface DeadLetters {
  /** The newest first, at most {@code max}: each a JSON document {@code {event, reason, failedAt, ...}}. */
  List<String> list(int max) throws Exception;

  /**
   * Puts every dead letter back on its priority queue (as a new event, behind those waiting) and removes it from the
   * dead list.
   *
   * @return how many were moved
   * @throws UnsupportedOperationException when this store cannot replay
   */
  int replayAll() throws Exception;
}
