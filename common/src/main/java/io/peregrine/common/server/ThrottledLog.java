package io.peregrine.common.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a repeated failure at most once per interval, saying how many were suppressed meanwhile: an outage
 * produces one line every few seconds, not one per sample or event. Pass the exception as the last argument.
 */
public final class ThrottledLog {
  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  public ThrottledLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  public void warn(String format, Object... args) {
    if (due()) {
      long skipped = suppressed.getAndSet(0);
      log.warn(skipped == 0 ? format : format + " (" + skipped + " similar messages suppressed)", args);
    }
  }

  public void error(String format, Object... args) {
    if (due()) {
      long skipped = suppressed.getAndSet(0);
      log.error(skipped == 0 ? format : format + " (" + skipped + " similar messages suppressed)", args);
    }
  }

  private boolean due() {
    long now = System.nanoTime();
    long at = next.get();
    if ((at == Long.MIN_VALUE || now - at >= 0) && next.compareAndSet(at, now + intervalNanos)) {
      return true;
    }
    suppressed.incrementAndGet();
    return false;
  }
}
