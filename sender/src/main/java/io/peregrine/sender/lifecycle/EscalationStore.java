package io.peregrine.sender.lifecycle;

import io.peregrine.common.event.AlertQueueException;
import java.util.List;

/**
 * Where each open incident's escalation stands (docs/ALERTING.md), shared by every sender on one Redis: the next
 * step and when it is due, the addresses told so far, and the OK to tell them once it came. Senders take due
 * escalations with {@link #claim}, which hands each to one sender only (a lease of its own token until the lease
 * ends) and never hands one whose incident is acknowledged; {@link #advance} writes the outcome of a step only
 * while that lease is still held, so a restart or a second sender neither skips nor repeats a step.
 */
public interface EscalationStore {
  /**
   * A due escalation this sender now holds.
   *
   * @param token the lease; {@link #advance} and {@link #finish} need it
   * @param openedAt unix ms when a sender first took the incident (the steps count from it)
   * @param next the index of the step to tell (it may be past the last one: a repeat of the last)
   * @param problem the PROBLEM's JSON (the texts are made from it)
   * @param ok the OK's JSON when the incident recovered (then {@code told} is who gets it), else empty
   * @param told {@code channel|address} of everyone an escalation step told (filled in only when {@code ok} is set)
   * @param okTries how many times the OK was tried on those told before
   */
  record Claim(String id, long token, long actionId, long openedAt, int next, String problem, String ok,
      List<String> told, int okTries) {
    public boolean recovered() {
      return !ok.isEmpty();
    }
  }

  /**
   * Starts the incident's escalation with its first step due at {@code firstDue}, unless it has one (then only the
   * PROBLEM's JSON is updated). A {@code fresh} PROBLEM (currentStep 1) after an acknowledgement stopped the
   * escalation starts it again.
   *
   * @return true when it started now
   */
  boolean open(String id, long actionId, long now, long firstDue, String problem, boolean fresh)
      throws AlertQueueException;

  /**
   * At most {@code limit} escalations due at {@code now}, each leased to the caller until {@code leaseUntil}.
   * Escalations of acknowledged incidents are stopped instead (they wait for the OK), those whose record expired
   * are dropped.
   */
  List<Claim> claim(long now, long leaseUntil, int limit) throws AlertQueueException;

  /**
   * Records a step's outcome while the lease is held: the next step index, when it is due ({@code nextDue} < 0:
   * never, the escalation waits for the OK), and who was told.
   *
   * @return false when the lease was lost (another sender took the escalation over)
   */
  boolean advance(Claim c, int next, long nextDue, List<String> told) throws AlertQueueException;

  /**
   * The OK could not reach {@code left} ({@code channel|address}): only they are tried again at {@code due} (lease
   * held). @return false when the lease was lost
   */
  boolean retryRecovery(Claim c, List<String> left, long due) throws AlertQueueException;

  /** Forgets the escalation after its OK was told (lease held). @return false when the lease was lost */
  boolean finish(Claim c) throws AlertQueueException;

  /**
   * The incident recovered: when an escalation step told anyone, the OK is due to them now; else the escalation is
   * forgotten.
   */
  void recovered(String id, String ok, long now) throws AlertQueueException;
}
