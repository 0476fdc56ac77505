package io.peregrine.agent.ship;

import io.grpc.StatusRuntimeException;
import io.peregrine.common.retry.Backoff;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles what transfer answered for each batch: counts the samples sent and dropped in the {@link SampleLedger},
 * picks out those refused as OVERLOADED to be sent again, and tracks whether calls may go out at all (transfer down:
 * a backoff; transfer overloaded: a pause). Kept apart from the shipper so the accounting and the pacing, which every
 * send path shares, have one owner. Used by the shipper's worker thread only.
 */
final class OutcomeSettler {
  // the shipper's logger: these lines are the shipper's story, and log settings name it
  private static final Logger log = LoggerFactory.getLogger(Shipper.class);
  static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Backoff BACKOFF = Backoff.exponential(MIN_BACKOFF, MAX_BACKOFF);

  /** Nothing to send again. Never written to. */
  static final WireSamples NONE = new WireSamples(0, 0);

  private final String name;
  private final SampleLedger ledger;
  private final DiskSpool spool;
  private final ThrottledLog rejectLog = new ThrottledLog(log, Duration.ofMinutes(1));
  private boolean down;
  private long downUntilNanos;
  private long outageFailures;
  /** Transfer answered OVERLOADED: nothing is sent before this (System.nanoTime()). */
  private long pausedUntilNanos = System.nanoTime();
  private int overloadedInRow;

  OutcomeSettler(String name, SampleLedger ledger, DiskSpool spool) {
    this.name = name;
    this.ledger = ledger;
    this.spool = spool;
    ledger.droppedCounter("rejected_batch"); // shown as 0 from the start
    ledger.droppedCounter("shutdown");
  }

  /** Neither in the backoff after an outage nor paused after OVERLOADED: a call may go out. */
  boolean transferReady() {
    return !inBackoff() && !paused();
  }

  /** Transfer was last found unreachable (its channels may need a reconnect nudge before the next call). */
  boolean down() {
    return down;
  }

  /**
   * Counts what transfer answered for one batch ({@link TransferClient#pushAll}'s outcome).
   *
   * @return null when no address took it (nothing counted: the caller spools it or keeps it spooled); otherwise the
   *     samples refused as OVERLOADED, in batch order (a new buffer, or {@link #NONE})
   */
  WireSamples settle(WireSamples samples, Object outcome, boolean fromSpool) {
    if (outcome == null) {
      return null;
    }
    if (outcome instanceof StatusRuntimeException e) {
      // INVALID_ARGUMENT for the whole batch: no transfer will ever take it, so it is not kept
      drop(fromSpool, "rejected_batch", samples.size());
      log.error("{}: transfer refused a whole batch of {} samples: {} (dropped, reason rejected_batch)", name,
          samples.size(), e.getStatus());
      markUp();
      return NONE;
    }
    PushResponse response = (PushResponse) outcome;
    markUp();
    WireSamples overloaded = null;
    List<Reject> rejects = new ArrayList<>(response.getRejectsList());
    rejects.sort(Comparator.comparingInt(Reject::getIndex)); // send again in the batch's order
    int accepted = samples.size() - response.getRejectsCount();
    if (fromSpool) {
      ledger.sentFromSpool(accepted);
    } else {
      ledger.sentFromHand(accepted);
    }
    for (Reject r : rejects) {
      if (r.getCode() == RejectCode.OVERLOADED && r.getIndex() >= 0 && r.getIndex() < samples.size()) {
        if (overloaded == null) {
          overloaded = new WireSamples();
        }
        overloaded.appendRange(samples, (int) r.getIndex(), (int) r.getIndex() + 1);
      } else {
        drop(fromSpool, "rejected_" + r.getCode().name().toLowerCase(), 1);
        rejectLog.warn("{}: transfer rejected a sample: {} {} (dropped)", name, r.getCode(), r.getReason());
      }
    }
    if (overloaded == null) {
      overloadedInRow = 0;
      return NONE;
    } else {
      // give transfer a moment (the project's backoff, from up to 1 s) before sending them again
      overloadedInRow++;
      pausedUntilNanos = System.nanoTime() + BACKOFF.delay(overloadedInRow).toNanos();
      rejectLog.warn("{}: transfer is overloaded; {} samples kept in the spool to be sent again", name,
          overloaded.size());
    }
    return overloaded;
  }

  /** No address took a call ({@code why}: address by address): back off before the next one. */
  void markDown(String why) {
    outageFailures++;
    if (!down) {
      log.warn("{}: transfer unreachable ({}); spooling to disk and retrying with backoff up to {} s", name, why,
          MAX_BACKOFF.toSeconds());
    }
    down = true;
    downUntilNanos = System.nanoTime() + BACKOFF.delay((int) Math.min(outageFailures, Integer.MAX_VALUE)).toNanos();
  }

  private void markUp() {
    if (down) {
      log.info("{}: transfer reachable again after {} failed attempts; {} spooled samples to replay", name,
          outageFailures, spool.samples());
    }
    down = false;
    outageFailures = 0;
  }

  private boolean inBackoff() {
    return down && System.nanoTime() - downUntilNanos < 0;
  }

  private boolean paused() {
    return System.nanoTime() - pausedUntilNanos < 0;
  }

  private void drop(boolean fromSpool, String reason, int n) {
    if (fromSpool) {
      ledger.droppedFromSpool(reason, n);
    } else {
      ledger.droppedFromHand(reason, n);
    }
  }
}
