package io.peregrine.sender.deliver;

import io.peregrine.common.event.AlertSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * One event on its way: which channels are done, the last error of each that is not, and what is left (deliver, or
 * only acknowledge, or only dead-letter). Handed between workers through the retry queue, never shared.
 */
final class Attempt implements Delayed {
  final AlertSource.Delivery delivery;
  /** Channels that sent, or had nobody to send to: never run again for this event. */
  final Set<String> done = new HashSet<>();
  final Map<String, String> errors = new LinkedHashMap<>();
  int attempts;
  /** Failed acknowledgements or dead-letter writes in a row (the source is down). */
  int finishFailures;
  boolean delivered;
  /** Set when the event is given up: only the dead-letter write is left. */
  String deadReason;
  private long dueNanos;

  Attempt(AlertSource.Delivery delivery) {
    this.delivery = delivery;
  }

  void dueIn(long nanos) {
    dueNanos = System.nanoTime() + nanos;
  }

  String errorSummary() {
    StringBuilder out = new StringBuilder();
    errors.forEach((channel, error) -> out.append(out.length() == 0 ? "" : "; ").append(error));
    return out.toString();
  }

  @Override
  public long getDelay(TimeUnit unit) {
    return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  @Override
  public int compareTo(Delayed other) {
    return Long.compare(dueNanos, ((Attempt) other).dueNanos);
  }
}
