package io.peregrine.sender.lifecycle;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertQueueException;
import java.util.Optional;

/**
 * What the sender remembers of each open incident (one event id from its PROBLEM to its OK), shared by every sender
 * on one Redis: when it opened, its last step, and its acknowledgement. An incident whose OK never comes is
 * forgotten {@code incidentTtl} after its last PROBLEM.
 */
public interface IncidentStore {
  /** Who acknowledged, when (unix ms), and why. */
  record Ack(String by, long atMillis, String comment) {
  }

  /** An open incident: its id, first event time (unix s), last step, what it is about, and its ack if any. */
  record Incident(String id, long openedAt, int lastStep, String endpoint, String metric, int priority, Ack ack) {
  }

  /** What an acknowledgement did; {@code ack} is the one in force (the earlier one when ALREADY). */
  record AckResult(Outcome outcome, Ack ack) {
    public enum Outcome { ACKNOWLEDGED, ALREADY, NOT_OPEN }
  }

  /**
   * Records a PROBLEM. One with currentStep 1 whose event time is after the acknowledgement starts a new incident
   * (the old acknowledgement no longer applies); a repeat keeps it.
   *
   * @return the acknowledgement in force after this PROBLEM, if any
   */
  Optional<Ack> problem(AlertEvent problem) throws AlertQueueException;

  /** Records the OK: the incident ends and is forgotten. @return its acknowledgement, if it had one */
  Optional<Ack> recovered(String id) throws AlertQueueException;

  Optional<Incident> find(String id) throws AlertQueueException;

  /** Acknowledges an open incident; the first acknowledgement stays (a second answers ALREADY with the first). */
  AckResult acknowledge(String id, Ack ack) throws AlertQueueException;
}
