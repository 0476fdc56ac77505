package io.peregrine.judge.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand; UTC. */
public final class MutableClock extends Clock {
  private final AtomicLong millis;

  public MutableClock(long epochSeconds) {
    this.millis = new AtomicLong(epochSeconds * 1000);
  }

  public void setSeconds(long epochSeconds) {
    millis.set(epochSeconds * 1000);
  }

  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  public long seconds() {
    return millis.get() / 1000;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("tests run in UTC");
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }
}
