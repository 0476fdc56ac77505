package io.peregrine.judge.eval;

import io.peregrine.common.event.AlertEvent;

/**
 * Open-Falcon's rules for whether a judgement becomes an event, per event id:
 * <ul>
 *   <li>fires, last event absent or OK: PROBLEM with currentStep 1, unless maxStep is 0 (never send);
 *   <li>fires, last event PROBLEM: nothing if currentStep already reached maxStep, or if the oldest point used is not
 *       newer than the last event's time (those points already raised it), or if less than the minimum interval
 *       passed between the judge's clock and the last event's time; otherwise PROBLEM with currentStep + 1;
 *   <li>does not fire, last event PROBLEM: OK with currentStep 1; otherwise nothing.
 * </ul>
 * Public so multi-metric expressions ({@code io.peregrine.judge.expr}) decide by the same rules.
 */
public final class Dedup {
  private Dedup() {}

  /** The event to send: its status and currentStep. */
  public record Decision(String status, int currentStep) {
    public boolean problem() {
      return AlertEvent.PROBLEM.equals(status);
    }
  }

  /**
   * @param last the last event sent for this id, or null
   * @param oldestUsed timestamp of the oldest point the function used
   * @param nowSeconds the judge's clock at receipt, unix seconds
   * @return the event to send, or null for none
   */
  public static Decision decide(LastEvent last, boolean fired, int maxStep, long oldestUsed, long nowSeconds,
      long minIntervalSeconds) {
    if (!fired) {
      return last != null && last.problem() ? new Decision(AlertEvent.OK, 1) : null;
    }
    if (last == null || !last.problem()) {
      return maxStep <= 0 ? null : new Decision(AlertEvent.PROBLEM, 1);
    }
    if (last.currentStep() >= maxStep) {
      return null;
    }
    if (oldestUsed <= last.eventTime()) {
      return null;
    }
    if (nowSeconds - last.eventTime() < minIntervalSeconds) {
      return null;
    }
    return new Decision(AlertEvent.PROBLEM, last.currentStep() + 1);
  }
}
