package io.peregrine.sender.deliver;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * At most {@code limit} messages per key (channel and receiver) per fixed period of the clock. Bounded: when it
 * tracks {@value #MAX_KEYS} keys, those whose period is over are forgotten (they would start afresh anyway).
 */
final class RateLimiter {
  static final int MAX_KEYS = 100_000;
  private final int limit;
  private final long periodMillis;
  private final Clock clock;
  private final Object lock = new Object();
  private final Map<String, long[]> windows = new HashMap<>();

  /** @param limit 0 = no limit */
  RateLimiter(int limit, Duration period, Clock clock) {
    this.limit = limit;
    this.periodMillis = period.toMillis();
    this.clock = clock;
  }

  /** Takes one message of the key's allowance; false when it is used up for this period. */
  boolean tryAcquire(String key) {
    if (limit <= 0) {
      return true;
    }
    long now = clock.millis();
    synchronized (lock) {
      long[] w = windows.get(key);
      if (w == null || now - w[0] >= periodMillis) {
        if (w == null && windows.size() >= MAX_KEYS) {
          windows.values().removeIf(x -> now - x[0] >= periodMillis);
        }
        windows.put(key, new long[] {now, 1});
        return true;
      }
      if (w[1] >= limit) {
        return false;
      }
      w[1]++;
      return true;
    }
  }
}
