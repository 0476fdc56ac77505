package io.peregrine.sender.deliver;

import java.time.Duration;

/** Doubling waits: {@code initial}, {@code 2 * initial}, ... never above {@code max}. */
record Backoff(Duration initial, Duration max) {
  /** @param failures failures so far, from 1 */
  Duration after(int failures) {
    int doublings = Math.min(Math.max(failures - 1, 0), 30);
    Duration d = initial.multipliedBy(1L << doublings);
    return d.compareTo(max) > 0 ? max : d;
  }
}
