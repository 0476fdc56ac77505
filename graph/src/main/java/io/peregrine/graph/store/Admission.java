package io.peregrine.graph.store;

/** What became of one sample offered to the store's write queue. */
public enum Admission {
  /** Queued; the writer stores it or counts it as dropped with a reason. */
  ACCEPTED,
  /** The write queue is full: the sender should retry later. */
  QUEUE_FULL,
  /** The store is not running (starting or shutting down): the sender should retry later. */
  NOT_RUNNING,
  /** The series exists with another step; its RRD file cannot change step. */
  STEP_MISMATCH,
  /** The series exists with another counter type; its RRD file cannot change type. */
  TYPE_MISMATCH
}
