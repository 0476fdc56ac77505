package io.peregrine.sender.deliver;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertSource;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One event on its way: which (channel, receiver) sends are done, the last error of each channel that is not, what
 * waits in digests, and what is left (deliver, only acknowledge, only dead-letter). Handed between workers and the
 * digest flusher through queues; the collections are concurrent because a digest settles its part from the flusher.
 */
final class Attempt implements Delayed {
  final AlertSource.Delivery delivery;
  final Instant takenAt;
  /** Take order, the tie-breaker of the incident order. */
  final long seq;
  private final Clock clock;
  /** {@code channel|address} sends that are done (told, already told, or nothing to do): never run again. */
  final Set<String> done = ConcurrentHashMap.newKeySet();
  /** Channels whose last try failed and may be retried, with the error. */
  final Map<String, String> errors = new ConcurrentHashMap<>();
  /** Channels that refused the event for good (e.g. HTTP 400), with the error: not retried. */
  final Map<String, String> rejected = new ConcurrentHashMap<>();
  /** Sends waiting in digests, plus one while a worker is in the attempt. */
  final AtomicInteger parked = new AtomicInteger();
  /** Counted skips, so a retry does not count them again. */
  final Set<String> skipped = ConcurrentHashMap.newKeySet();
  int attempts;
  /** Failed acknowledgements or dead-letter writes in a row (the source is down). */
  int finishFailures;
  boolean delivered;
  /** Set when the event is given up: only the dead-letter write is left. */
  String deadReason;
  /** Added to the texts, e.g. for an OK whose PROBLEM was never delivered. */
  volatile String remark = "";
  /** The acknowledgement link for the mail and IM texts, or empty. */
  volatile String ackLink = "";
  /** Back from its digests: look at what they left before trying again. */
  volatile boolean fromDigest;
  private volatile long dueMillis;

  Attempt(AlertSource.Delivery delivery, Clock clock, long seq) {
    this.delivery = delivery;
    this.clock = clock;
    this.takenAt = clock.instant();
    this.seq = seq;
  }

  AlertEvent event() {
    return delivery.event();
  }

  void dueIn(long millis) {
    dueMillis = clock.millis() + millis;
  }

  String errorSummary() {
    StringBuilder out = new StringBuilder();
    errors.forEach((channel, error) -> out.append(out.length() == 0 ? "" : "; ").append(error));
    rejected.forEach((channel, error) -> out.append(out.length() == 0 ? "" : "; ").append(error));
    return out.toString();
  }

  @Override
  public long getDelay(TimeUnit unit) {
    return unit.convert(dueMillis - clock.millis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public int compareTo(Delayed other) {
    return Long.compare(dueMillis, ((Attempt) other).dueMillis);
  }
}
