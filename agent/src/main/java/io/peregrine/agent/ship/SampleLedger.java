package io.peregrine.agent.ship;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * Where every sample the queue took is, kept so that {@code in + restored = sent + dropped + spooled + queued +
 * inHand} holds at every moment, mid-batch included: each move of samples from one place to another is one step
 * under one lock, taking from one term exactly what it adds to another, and {@link #snapshot} reads all terms under
 * the same lock. {@code restored} is what an earlier run left in the spool (taken in by that run).
 *
 * <p>The meters mirror the terms ({@code agent_in_samples}, {@code agent_sent_samples},
 * {@code agent_replayed_samples}, {@code agent_spooled_samples}, {@code agent_restored_samples},
 * {@code agent_dropped_samples{reason}} for the shipper's and the spool's reasons, {@code agent_queue_samples},
 * {@code agent_shipper_in_hand_samples}, {@code agent_spool_samples}). A scrape reads them one after another, so a
 * scrape taken while a batch moves can see it in two places or none; {@link #snapshot} never does.
 */
public final class SampleLedger {
  /** The terms at one moment. */
  public record Snapshot(long in, long restored, long sent, long replayed, long dropped, long spooled, long queued,
      long inHand) {
    /** in + restored - (sent + dropped + spooled + queued + inHand): zero, always. */
    public long unaccounted() {
      return in + restored - (sent + dropped + spooled + queued + inHand);
    }
  }

  private final MeterRegistry registry;
  private final Counter inCounter;
  private final Counter sentCounter;
  private final Counter replayedCounter;
  private final Counter spooledCounter;
  private final Counter restoredCounter;
  private final Map<String, Counter> droppedCounters = new HashMap<>();
  // guarded by this
  private long in;
  private long restored;
  private long sent;
  private long replayed;
  private long dropped;
  private long spool;
  private long queued;
  private long inHand;

  public SampleLedger(MeterRegistry registry) {
    this.registry = registry;
    this.inCounter = Counter.builder("agent_in_samples")
        .description("samples the queue took for shipping: in + restored = sent + dropped by the shipper and spool "
            + "+ spooled + queued + in hand").register(registry);
    this.sentCounter = Counter.builder("agent_sent_samples").description("samples transfer accepted")
        .register(registry);
    this.replayedCounter = Counter.builder("agent_replayed_samples")
        .description("samples sent from the spool (included in sent)").register(registry);
    this.spooledCounter = Counter.builder("agent_spooled_samples")
        .description("samples written to the spool because transfer could not take them").register(registry);
    this.restoredCounter = Counter.builder("agent_restored_samples")
        .description("samples found in the spool at start, left by an earlier run").register(registry);
    Gauge.builder("agent_queue_samples", this, SampleLedger::queued).description("samples waiting for the shipper")
        .register(registry);
    Gauge.builder("agent_shipper_in_hand_samples", this, SampleLedger::inHand)
        .description("samples the shipper took from the queue and has not yet sent, dropped or spooled")
        .register(registry);
    Gauge.builder("agent_spool_samples", this, SampleLedger::spooled).description("samples in the spool")
        .register(registry);
  }

  /** The counter of drops for a reason, made on first use (rejected_&lt;code&gt; reasons come from transfer). */
  Counter droppedCounter(String reason) {
    synchronized (this) {
      return droppedCounters.computeIfAbsent(reason, r -> Counter.builder("agent_dropped_samples").tag("reason", r)
          .description("samples that will not reach transfer, by reason").register(registry));
    }
  }

  /** Samples the queue took at once (it calls this under its own lock, so it is counted in as it is queued). */
  synchronized void offered(int n) {
    in += n;
    queued += n;
    inCounter.increment(n);
  }

  synchronized void taken(int n) {
    queued -= n;
    inHand += n;
  }

  synchronized void sentFromHand(int n) {
    inHand -= n;
    sent += n;
    sentCounter.increment(n);
  }

  synchronized void droppedFromHand(String reason, int n) {
    inHand -= n;
    drop(reason, n);
  }

  synchronized void spooledFromHand(int n) {
    inHand -= n;
    spool += n;
    spooledCounter.increment(n);
  }

  /** Samples still queued at an interrupted shutdown: they will not be sent. */
  synchronized void droppedFromQueue(String reason, int n) {
    queued -= n;
    drop(reason, n);
  }

  synchronized void restored(long n) {
    restored += n;
    spool += n;
    restoredCounter.increment(n);
  }

  synchronized void sentFromSpool(int n) {
    spool -= n;
    sent += n;
    replayed += n;
    sentCounter.increment(n);
    replayedCounter.increment(n);
  }

  synchronized void droppedFromSpool(String reason, long n) {
    spool -= n;
    drop(reason, n);
  }

  private void drop(String reason, long n) {
    dropped += n;
    droppedCounter(reason).increment(n);
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(in, restored, sent, replayed, dropped, spool, queued, inHand);
  }

  synchronized long queued() {
    return queued;
  }

  synchronized long inHand() {
    return inHand;
  }

  synchronized long spooled() {
    return spool;
  }
}
