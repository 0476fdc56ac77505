package io.peregrine.judge.publish;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertPublisher;
import io.peregrine.common.event.AlertQueueException;
import java.util.List;

/** A publisher that hands several events over in one round trip, each still written atomically with its state. */
public interface BatchAlertPublisher extends AlertPublisher {
  /** Most events in one call; {@link PendingAlerts} never passes more. */
  int MAX_BATCH = 256;

  /**
   * Hands the events over in order, all or none (for Redis: one script call). At most one event per id: a retried
   * call is then recognised event by event by the stored state ({@link PendingAlerts} cuts its batches so).
   *
   * @throws AlertQueueException when it could not (some may have been written: a retry of those is recognised by
   *     their stored state and not delivered twice)
   */
  void publishAll(List<AlertEvent> events) throws AlertQueueException;

  /** A call started by {@link #start}: its outcome, once waited for. */
  @FunctionalInterface
  interface Call {
    /** Waits for the call to finish; throws as {@link #publishAll} would. */
    void await() throws AlertQueueException;
  }

  /**
   * Starts {@link #publishAll} for {@code events} without waiting for its outcome: calls started one after another
   * reach the target in that order (for Redis: one connection runs the scripts in the order they were sent). The
   * default runs it at once.
   */
  default Call start(List<AlertEvent> events) {
    try {
      publishAll(events);
      return () -> { };
    } catch (AlertQueueException | RuntimeException e) {
      return () -> {
        if (e instanceof AlertQueueException q) {
          throw q;
        }
        throw (RuntimeException) e;
      };
    }
  }

  @Override
  default void publish(AlertEvent event) throws AlertQueueException {
    publishAll(List.of(event));
  }
}
