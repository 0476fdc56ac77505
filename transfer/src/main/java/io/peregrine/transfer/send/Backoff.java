package io.peregrine.transfer.send;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: each delay is drawn uniformly from [d/2, d] where d doubles from
 * {@code min} to {@code max}, so many transfers retrying one node do not hit it in step. One instance per retry loop.
 */
public final class Backoff {
  private final long minNanos;
  private final long maxNanos;
  private long current;

  public Backoff(Duration min, Duration max) {
    this.minNanos = min.toNanos();
    this.maxNanos = max.toNanos();
    this.current = minNanos;
  }

  /** The next delay, in nanoseconds. */
  public long next() {
    long d = current;
    current = Math.min(current * 2, maxNanos);
    return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
  }

  public void reset() {
    current = minNanos;
  }
}
