package io.peregrine.judge.eval;

import io.peregrine.common.event.AlertEvent;

/** Takes events from the evaluator without blocking it. */
@FunctionalInterface
public interface EventSink {
  /** @return false when the event was not taken (it is then counted as dropped by the sink) */
  boolean offer(AlertEvent event);
}
