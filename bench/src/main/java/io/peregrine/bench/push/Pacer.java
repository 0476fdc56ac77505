package io.peregrine.bench.push;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Spaces one connection's requests so that it sends {@code samplesPerSecond} on average: each request is due when
 * the samples before it have "used up" their share of time, on a fixed schedule (so pauses are made up for, and the
 * long-run rate is exact). A connection that fell more than a second behind (a stalled target) restarts its
 * schedule instead of bursting a backlog at the target. Unlimited (rate 0) never waits.
 */
final class Pacer {
  private static final long MAX_BACKLOG_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Waits are cut into slices so that a stop request is noticed quickly even at very low rates. */
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final double nanosPerSample;
  private long due;

  /** @param samplesPerSecond this connection's share of the rate; 0 = unlimited */
  Pacer(double samplesPerSecond) {
    this.nanosPerSample = samplesPerSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / samplesPerSecond;
    this.due = System.nanoTime();
  }

  /**
   * Waits until a request of {@code samples} may leave.
   *
   * @return false when {@code stopped} became true while waiting
   */
  boolean await(int samples, BooleanSupplier stopped) {
    if (nanosPerSample == 0) {
      return !stopped.getAsBoolean();
    }
    long now = System.nanoTime();
    if (now - due > MAX_BACKLOG_NANOS) {
      due = now;
    }
    while (due - now > 0) {
      if (stopped.getAsBoolean()) {
        return false;
      }
      LockSupport.parkNanos(Math.min(due - now, SLICE_NANOS));
      now = System.nanoTime();
    }
    due += (long) (samples * nanosPerSample);
    return !stopped.getAsBoolean();
  }
}
