package io.peregrine.judge.eval;

/**
 * What happened to the samples of one batch, counted in plain fields by the judging thread and added to the
 * evaluator's counters once per batch ({@link Evaluator#count}): a shared counter per sample is a contended atomic
 * add on every sample. Not thread-safe: one per judging thread.
 */
public final class SampleTally {
  int judged;
  int unwatched;
  int notNewer;
  int stateUnavailable;

  /** True when nothing was counted since the last {@link Evaluator#count}. */
  public boolean isEmpty() {
    return judged == 0 && unwatched == 0 && notNewer == 0 && stateUnavailable == 0;
  }

  void clear() {
    judged = 0;
    unwatched = 0;
    notNewer = 0;
    stateUnavailable = 0;
  }
}
