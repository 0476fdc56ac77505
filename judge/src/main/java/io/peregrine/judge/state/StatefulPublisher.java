package io.peregrine.judge.state;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertPublisher;
import io.peregrine.common.event.AlertQueueException;

/**
 * A publisher that records the judge's state in the embedded store once the target took the event (all-in-one:
 * the in-process queue). An event the queue refused leaves no state, so it is raised again.
 */
public final class StatefulPublisher implements AlertPublisher {
  private final AlertPublisher target;
  private final EmbeddedStateStore store;

  public StatefulPublisher(AlertPublisher target, EmbeddedStateStore store) {
    this.target = target;
    this.store = store;
  }

  @Override
  public void publish(AlertEvent event) throws AlertQueueException {
    target.publish(event);
    store.record(event);
  }

  @Override
  public boolean healthy() {
    return target.healthy();
  }

  @Override
  public String toString() {
    return target.getClass().getSimpleName() + " with state in the embedded store";
  }
}
