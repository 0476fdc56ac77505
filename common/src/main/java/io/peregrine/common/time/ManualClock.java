package io.peregrine.common.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UTC clock moved by hand: the evaluation clock of {@code peregrine judge test}, and the injected clock of tests
 * that check timing behaviour (retry deadlines, digest windows, nodata) without waiting.
 */
public final class ManualClock extends Clock {
  private final AtomicLong millis;

  public ManualClock(long epochSeconds) {
    this.millis = new AtomicLong(epochSeconds * 1000);
  }

  public ManualClock(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
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

  /** Stays UTC: callers format in UTC, and a second zone would hide which clock a test moved. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
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
