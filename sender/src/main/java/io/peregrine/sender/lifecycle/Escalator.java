package io.peregrine.sender.lifecycle;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.sender.channel.Channel;
import io.peregrine.sender.receiver.Escalation;
import io.peregrine.sender.receiver.ReceiverDirectory;
import io.peregrine.sender.receiver.Recipients;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the escalation of open incidents (docs/ALERTING.md). The incident gate {@link #problem opens} one for a
 * PROBLEM told whose action has escalation steps, and {@link #recovered ends} it with the OK; every {@code tick}
 * one scheduled task claims the due escalations from the {@link EscalationStore} (each goes to one sender) and for
 * each: an acknowledged incident was already stopped by the claim; a silenced one is looked at again when the silence ends (at the latest next tick); else
 * the next step is told ({@link EscalationSteps}) and its outcome written with the lease, then recorded in the
 * incident history (kind {@code escalated}). After the last step, the last one is told again every
 * {@code repeatMinutes} of the action. An OK goes to everyone a step told (those a send failed for are
 * tried again every minute, {@value #RECOVERY_TRIES} tries in all). Counted:
 * {@code sender_escalation_steps_total{result=ok|failed|refused}}, {@code sender_escalation_recoveries_total{result=ok|failed}},
 * {@code sender_suppressed_total{reason=silenced}}, {@code sender_escalation_errors_total}.
 */
public final class Escalator implements Component {
  private static final Logger log = LoggerFactory.getLogger(Escalator.class);
  /** Escalations taken per claim; a tick claims until none is due. */
  static final int BATCH = 100;
  /** A step whose every send failed is tried again this much later (the lease then goes to whoever claims it). */
  static final Duration RETRY = Duration.ofMinutes(1);
  /** Tries of the OK to those a step told, a minute apart: an hour, as an OK's retry deadline. */
  static final int RECOVERY_TRIES = 60;

  private final EscalationStore store;
  private final ReceiverDirectory receivers;
  private final Silences silences;
  private final EscalationSteps steps;
  private final Clock clock;
  private final Duration tick;
  private final Duration lease;
  private final MeterRegistry registry;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ThrottledLog errors = new ThrottledLog(log, Duration.ofSeconds(10));
  private volatile ScheduledExecutorService ticker;

  /**
   * @param tick how often due escalations are looked for
   * @param lease how long a claimed escalation is this sender's (longer than a step's sends)
   */
  public Escalator(EscalationStore store, ReceiverDirectory receivers, Silences silences, EscalationSteps steps,
      Clock clock, Duration tick, Duration lease, MeterRegistry registry) {
    this.store = store;
    this.receivers = receivers;
    this.silences = silences;
    this.steps = steps;
    this.clock = clock;
    this.tick = tick;
    this.lease = lease;
    this.registry = registry;
  }

  @Override
  public String name() {
    return "sender-escalation";
  }

  @Override
  public void start() {
    ticker = NamedExecutors.scheduled("sender-escalation");
    ticker.scheduleWithFixedDelay(this::tickQuietly, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    log.info("sender: escalations looked for every {} ms", tick.toMillis());
  }

  /** A PROBLEM that is not acknowledged: starts its escalation when its action has steps. Never throws. */
  void problem(AlertEvent event) {
    try {
      Recipients r = receivers.lookup(event.actionId());
      Escalation e = r.escalation();
      if (e.isEmpty()) {
        return;
      }
      long now = clock.millis();
      if (store.open(event.id(), event.actionId(), now, now + minutes(e.steps().get(0).afterMinutes()),
          AlertEventJson.write(event), event.currentStep() == 1)) {
        log.debug("sender: escalation of {} started, first step in {} min", event.id(),
            e.steps().get(0).afterMinutes());
      }
    } catch (AlertQueueException | RuntimeException ex) {
      registry.counter("sender.escalation.errors").increment();
      errors.warn("sender: cannot start the escalation of {}: {}", event.id(), ex.getMessage());
    }
  }

  /** The OK: the escalation ends, and everyone a step told is told the OK at the next tick. Never throws. */
  void recovered(AlertEvent ok) {
    try {
      store.recovered(ok.id(), AlertEventJson.write(ok), clock.millis());
    } catch (AlertQueueException | RuntimeException ex) {
      registry.counter("sender.escalation.errors").increment();
      errors.warn("sender: cannot end the escalation of {}: {}", ok.id(), ex.getMessage());
    }
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (AlertQueueException | RuntimeException e) {
      registry.counter("sender.escalation.errors").increment();
      errors.warn("sender: escalation tick failed: {}", e.getMessage());
    }
  }

  /**
   * Handles every escalation due now (the scheduled task does this every {@code tick}; tests call it).
   *
   * @return how many were claimed
   */
  public int tick() throws AlertQueueException {
    int handled = 0;
    while (!closed.get()) {
      long now = clock.millis();
      List<EscalationStore.Claim> claims = store.claim(now, now + lease.toMillis(), BATCH);
      for (EscalationStore.Claim c : claims) {
        handle(c, now);
      }
      handled += claims.size();
      if (claims.size() < BATCH) {
        return handled;
      }
    }
    return handled;
  }

  private void handle(EscalationStore.Claim c, long now) throws AlertQueueException {
    if (c.recovered()) {
      List<String> failed = c.told().isEmpty() ? List.of() : steps.tellRecovery(AlertEventJson.read(c.ok()),
          c.told());
      if (!c.told().isEmpty()) {
        registry.counter("sender.escalation.recoveries", "result", failed.isEmpty() ? "ok" : "failed").increment();
      }
      if (!failed.isEmpty() && c.okTries() + 1 < RECOVERY_TRIES) {
        store.retryRecovery(c, failed, now + RETRY.toMillis()); // only those it did not reach
      } else {
        if (!failed.isEmpty()) {
          errors.warn("sender: gave up telling the OK of {} to {} after {} tries", c.id(), failed, RECOVERY_TRIES);
        }
        store.finish(c);
      }
      return;
    }
    AlertEvent problem = AlertEventJson.read(c.problem());
    Escalation e = receivers.lookup(c.actionId()).escalation();
    int n = e.steps().size();
    if (n == 0 || (c.next() >= n && e.repeatMinutes() == 0)) {
      store.advance(c, c.next(), -1, List.of()); // nothing more to tell; waits for the OK
      return;
    }
    Optional<SilenceMatcher> silence = silences.silencing(problem);
    if (silence.isPresent()) {
      registry.counter("sender.suppressed", "reason", "silenced").increment();
      // looked at again when this silence ends, or at the next tick if it is expired early
      store.advance(c, c.next(), Math.min(Math.max(now + 1, silence.get().endsAt() * 1000), now + tick.toMillis()),
          List.of());
      return;
    }
    int index = Math.min(c.next(), n - 1);
    EscalationSteps.Outcome out = steps.tell(problem, e.steps().get(index), index, n);
    registry.counter("sender.escalation.steps", "result", out.result()).increment();
    if (out.result().equals("failed")) {
      store.advance(c, c.next(), now + RETRY.toMillis(), List.of());
      steps.record(problem, out);
      return;
    }
    int next = c.next() + 1;
    long nextDue = next < n ? c.openedAt() + minutes(e.steps().get(next).afterMinutes())
        : e.repeatMinutes() > 0 ? now + minutes(e.repeatMinutes()) : -1;
    if (!store.advance(c, next, nextDue, out.told())) {
      errors.warn("sender: the escalation of {} was taken over while step {} was told (it took longer than the "
          + "lease of {} s)", c.id(), index + 1, lease.toSeconds());
    }
    steps.record(problem, out);
  }

  private static long minutes(int m) {
    return m * 60_000L;
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    if (ticker != null) {
      NamedExecutors.shutdown(ticker, "sender-escalation", Duration.ofSeconds(5));
    }
  }
}
