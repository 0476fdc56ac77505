package io.peregrine.common.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The project's one retry policy: exponential backoff with full jitter, optionally bounded by a deadline.
 *
 * <p>The wait before retry n (after n failures) is a uniformly random duration in {@code [0, min(max, initial *
 * 2^(n-1))]} ("full jitter"), so that many clients failing at once (every agent when transfer restarts, every sender
 * worker when a gateway goes away) spread their retries instead of coming back in lock step. With a deadline,
 * {@link #next} answers empty once the time since the first failure reaches it, and never waits past it: the last
 * retry happens at the deadline at the latest.
 *
 * <p>A pure policy (no threads, no clock): callers keep the failure count and the elapsed time, so the same class
 * serves a blocking loop (agent shipper), a scheduled check (heartbeat) and a delay queue (sender).
 */
public final class Backoff {
  /** Beyond 2^30 the cap is reached for any sane initial wait; stops the shift from overflowing. */
  private static final int MAX_DOUBLINGS = 30;

  private final Duration initial;
  private final Duration max;
  private final Duration deadline;
  private final DoubleSupplier random;

  private Backoff(Duration initial, Duration max, Duration deadline, DoubleSupplier random) {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("backoff initial wait must be positive: " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff max wait (" + max + ") must not be below the initial (" + initial
          + ")");
    }
    if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
      throw new IllegalArgumentException("backoff deadline must be positive: " + deadline);
    }
    this.initial = initial;
    this.max = max;
    this.deadline = deadline;
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Waits up to {@code initial}, {@code 2 * initial}, ... never above {@code max}, with full jitter; no deadline. */
  public static Backoff exponential(Duration initial, Duration max) {
    return new Backoff(initial, max, null, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** The same policy that gives up once {@code deadline} has passed since the first failure. */
  public Backoff withDeadline(Duration deadline) {
    return new Backoff(initial, max, Objects.requireNonNull(deadline, "deadline"), random);
  }

  /** The same policy with a given random source in [0, 1) (tests: a fixed value makes waits predictable). */
  public Backoff withRandom(DoubleSupplier random) {
    return new Backoff(initial, max, deadline, random);
  }

  /** The cap of the wait after {@code failures} failures (from 1): {@code min(max, initial * 2^(failures-1))}. */
  public Duration ceiling(int failures) {
    int doublings = Math.min(Math.max(failures - 1, 0), MAX_DOUBLINGS);
    Duration d = initial.multipliedBy(1L << doublings);
    return d.compareTo(max) > 0 ? max : d;
  }

  /** The jittered wait after {@code failures} failures (from 1), ignoring any deadline. */
  public Duration delay(int failures) {
    long ceiling = ceiling(failures).toNanos();
    double r = random.getAsDouble();
    if (r < 0 || r >= 1 || Double.isNaN(r)) {
      r = 0.5; // a broken random source must not make the wait negative or beyond the cap
    }
    return Duration.ofNanos((long) (ceiling * r));
  }

  /**
   * The wait before the next try, or empty when the deadline is spent.
   *
   * @param failures failures so far, from 1
   * @param elapsed time since the first failure (or since the work began, as the caller defines it)
   */
  public Optional<Duration> next(int failures, Duration elapsed) {
    if (deadline == null) {
      return Optional.of(delay(failures));
    }
    Duration left = deadline.minus(elapsed);
    if (left.isNegative() || left.isZero()) {
      return Optional.empty();
    }
    Duration d = delay(failures);
    return Optional.of(d.compareTo(left) > 0 ? left : d);
  }

  /** The deadline, if any. */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  @Override
  public String toString() {
    return "exponential backoff " + initial.toMillis() + " ms .. " + max.toMillis() + " ms with full jitter"
        + (deadline == null ? "" : ", deadline " + deadline);
  }
}
