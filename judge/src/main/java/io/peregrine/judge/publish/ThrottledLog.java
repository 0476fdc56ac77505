package io.peregrine.judge.publish;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/** Logs a repeated failure at ERROR at most once per interval, saying how many were suppressed meanwhile. */
final class ThrottledLog {
  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  ThrottledLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  void error(String format, Object... args) {
    long now = System.nanoTime();
    long due = next.get();
    if ((due == Long.MIN_VALUE || now - due >= 0) && next.compareAndSet(due, now + intervalNanos)) {
      long skipped = suppressed.getAndSet(0);
      log.error(skipped == 0 ? format : format + " (" + skipped + " similar messages suppressed)", args);
    } else {
      suppressed.incrementAndGet();
    }
  }
}
