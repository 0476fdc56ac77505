package io.peregrine.sender.claim;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Claims for all-in-one without Redis: the same lease-then-sent protocol in memory (Caffeine, each entry expiring
 * at its own time). At most {@value #MAX_CLAIMS} claims are kept; beyond that the least recently used are evicted
 * (an evicted "sent" could be told again if that event came back, which in-process only a replay does).
 */
public final class InProcessDeliveryClaims implements DeliveryClaims {
  static final long MAX_CLAIMS = 1_000_000;
  private static final String SENT = "sent";
  private final Cache<String, Entry> claims;
  private final Object lock = new Object();

  private record Entry(String value, long ttlNanos) {}

  public InProcessDeliveryClaims(Clock clock) {
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    this.claims = Caffeine.newBuilder().maximumSize(MAX_CLAIMS).ticker(ticker)
        .expireAfter(new Expiry<String, Entry>() {
          @Override
          public long expireAfterCreate(String key, Entry value, long currentTime) {
            return value.ttlNanos();
          }

          @Override
          public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
            return value.ttlNanos();
          }

          @Override
          public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
            return currentDuration;
          }
        }).build();
  }

  @Override
  public List<State> claim(List<String> keys, Duration lease) {
    List<State> out = new ArrayList<>(keys.size());
    synchronized (lock) {
      for (String k : keys) {
        Entry e = claims.getIfPresent(k);
        if (e == null) {
          claims.put(k, new Entry("lease", lease.toNanos()));
          out.add(State.CLAIMED);
        } else {
          // one process: a lease that is still there is our own (an attempt that did not finish cannot exist
          // alongside another of the same event, the dispatcher runs one at a time per incident)
          out.add(SENT.equals(e.value()) ? State.SENT : State.CLAIMED);
        }
      }
    }
    return out;
  }

  @Override
  public void confirm(List<String> keys, Duration ttl) {
    synchronized (lock) {
      for (String k : keys) {
        claims.put(k, new Entry(SENT, ttl.toNanos()));
      }
    }
  }

  @Override
  public void release(List<String> keys) {
    synchronized (lock) {
      for (String k : keys) {
        Entry e = claims.getIfPresent(k);
        if (e != null && !SENT.equals(e.value())) {
          claims.invalidate(k);
        }
      }
    }
  }

  @Override
  public void forget(List<String> keys) {
    claims.invalidateAll(keys);
  }
}
