package io.peregrine.transfer.send;

import io.peregrine.common.retry.Backoff;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.transfer.queue.LaneQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call in flight to one node: a {@link LaneQueue} and the named worker that empties it. A node has several lanes;
 * a series always uses the same lane, so its samples arrive in order while the lanes send in parallel.
 *
 * <p>The worker takes up to {@code batchSize} samples (waiting up to the linger for them to gather),
 * sends them, and acknowledges them in the queue only once the
 * node answered. Failures, by {@link SendException.Kind}: RETRY (node away, busy, deadline) sends the same batch
 * again with capped, jittered backoff for as long as it takes, while the queue (memory, then disk) absorbs new
 * samples; SUSPECT (INTERNAL, UNKNOWN) is retried {@value #SUSPECT_ATTEMPTS} times, then treated as REFUSED;
 * REFUSED splits the batch in halves, down to single samples, so only the samples the node refuses are dropped,
 * counted by reason and logged. A node's per-sample rejects: OVERLOADED samples are resent, others dropped and
 * counted. No exception ends the worker: an unexpected one is logged, counted, and the batch retried with backoff.
 *
 * <p>Stop: {@link #beginStop} lets the worker drain until the deadline; a durable queue keeps what is left on disk
 * for the next start, a memory queue counts it as dropped (reason shutdown).
 */
public final class Lane {
  private static final Logger log = LoggerFactory.getLogger(Lane.class);
  static final int SUSPECT_ATTEMPTS = 3;
  private static final Duration MIN_BACKOFF = Duration.ofMillis(50);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Backoff RETRY = Backoff.exponential(MIN_BACKOFF, MAX_BACKOFF);
  /** Poll granularity of the worker, so a stop request is seen promptly. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final String name;
  private final LaneQueue queue;
  private final BatchSender sender;
  private final NodeMeters meters;
  private final int batchSize;
  private final long maxBatchBytes;
  private final long lingerNanos;
  private final ThrottledLog throttled = new ThrottledLog(log, Duration.ofSeconds(30));
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile boolean stopping;
  private volatile long stopDeadlineNanos;
  private volatile long stuckSinceMillis; // 0: the last call went through
  private volatile String lastError = "";
  private ExecutorService worker;

  /**
   * @param linger how long the worker lets a batch fill once its first samples are there ({@code
   *     transfer.flushInterval}): at high rates it sends full batches (one call per {@code batchSize} samples instead
   *     of one per request), at the cost of at most this much latency
   */
  public Lane(String name, LaneQueue queue, BatchSender sender, NodeMeters meters, int batchSize,
      long maxBatchBytes, Duration linger) {
    this.name = name;
    this.queue = queue;
    this.sender = sender;
    this.meters = meters;
    this.batchSize = batchSize;
    this.maxBatchBytes = maxBatchBytes;
    this.lingerNanos = linger.toNanos();
  }

  public String name() {
    return name;
  }

  public LaneQueue queue() {
    return queue;
  }

  public NodeMeters meters() {
    return meters;
  }

  public void start() {
    if (started.getAndSet(true)) {
      return;
    }
    worker = NamedExecutors.fixed(name, 1, 1, new ThreadPoolExecutor.AbortPolicy());
    worker.execute(this::run);
  }

  private void run() {
    int failures = 0;
    while (!stopping || (!queue.isEmpty() && System.nanoTime() < stopDeadlineNanos)) {
      LaneQueue.Batch batch = null;
      try {
        batch = queue.take(batchSize, maxBatchBytes, POLL_NANOS, lingerNanos);
        if (batch == null) {
          continue;
        }
        deliver(Payload.ofChunks(batch.chunks, batch.samples));
        queue.ack(batch);
        failures = 0;
      } catch (GiveUp e) {
        break;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        // a bug or an I/O error of the queue: never let it end the worker; the batch (not acknowledged) comes again
        meters.failures.increment();
        markStuck("unexpected " + e);
        log.error("{}: unexpected failure; retrying", name, e);
        try {
          if (!pause(RETRY.delay(++failures).toNanos())) {
            break;
          }
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    long left = queue.queuedSamples();
    if (left > 0 || !queue.isEmpty()) {
      if (queue.durable()) {
        log.info("{}: stopped with {} samples ({} bytes on disk) not yet delivered; they are sent after the next "
            + "start", name, left, queue.diskBytes());
      } else {
        meters.dropped("shutdown", (int) Math.min(Integer.MAX_VALUE, left));
        log.warn("{}: stopped with {} samples not delivered (memory queue; counted as dropped, reason shutdown)",
            name, left);
      }
    }
  }

  /** Thrown when stopping past the deadline: the batch stays unacknowledged. */
  private static final class GiveUp extends Exception {
    GiveUp() {
      super(null, null, false, false);
    }
  }

  private void deliver(Payload payload) throws GiveUp, InterruptedException {
    int failures = 0;
    Payload pending = payload;
    int suspect = 0;
    while (true) {
      if (stopping && System.nanoTime() > stopDeadlineNanos) {
        throw new GiveUp();
      }
      PushResponse response;
      long t0 = System.nanoTime();
      try {
        response = sender.send(pending);
      } catch (SendException e) {
        meters.failures.increment();
        markStuck(e.getMessage());
        if (e.kind() == SendException.Kind.RETRY || (e.kind() == SendException.Kind.SUSPECT
            && ++suspect < SUSPECT_ATTEMPTS)) {
          throttled.warn("{}: sending {} samples failed: {}; retrying", name, pending.samples(), e.getMessage());
          if (!pause(RETRY.delay(++failures).toNanos())) {
            throw new GiveUp();
          }
          continue;
        }
        refused(pending, e);
        return;
      } finally {
        meters.calls.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      }
      markOk();
      pending = handleRejects(pending, response);
      if (pending == null) {
        return;
      }
      if (!pause(RETRY.delay(++failures).toNanos())) {
        throw new GiveUp();
      }
    }
  }

  /** Counts the node's refusals; returns the samples to send again (OVERLOADED), or null when none. */
  private Payload handleRejects(Payload sent, PushResponse response) {
    if (response.getRejectsCount() == 0) {
      meters.sent.increment(sent.samples());
      return null;
    }
    List<Payload> one = sent.perSample();
    List<Payload> again = new ArrayList<>();
    int dropped = 0;
    for (Reject r : response.getRejectsList()) {
      if (r.getIndex() >= one.size()) {
        continue;
      }
      if (r.getCode() == RejectCode.OVERLOADED) {
        again.add(one.get((int) r.getIndex()));
      } else {
        dropped++;
        meters.dropped("rejected_" + r.getCode().name().toLowerCase(), 1);
        throttled.warn("{}: node rejected a sample: {} {} (dropped)", name, r.getCode(), r.getReason());
      }
    }
    meters.sent.increment(sent.samples() - again.size() - dropped);
    return again.isEmpty() ? null : Payload.join(again);
  }

  /** The node will not take this payload as it is: halve it until the bad samples are alone, drop only those. */
  private void refused(Payload payload, SendException e) throws GiveUp, InterruptedException {
    if (payload.samples() <= 1) {
      meters.dropped(e.reason(), payload.samples());
      log.error("{}: node refused a sample: {} (dropped, reason {})", name, e.getMessage(), e.reason());
      return;
    }
    meters.split.increment();
    throttled.warn("{}: node refused a batch of {} samples: {}; splitting it to find the bad ones", name,
        payload.samples(), e.getMessage());
    List<Payload> one = payload.perSample();
    int half = one.size() / 2;
    deliver(Payload.join(one.subList(0, half)));
    deliver(Payload.join(one.subList(half, one.size())));
  }

  /** Sleeps between retries (pacing, not synchronisation); false when stopping past the deadline. */
  private boolean pause(long nanos) throws InterruptedException {
    long until = System.nanoTime() + nanos;
    while (true) {
      long left = until - System.nanoTime();
      if (stopping && System.nanoTime() > stopDeadlineNanos) {
        return false;
      }
      if (left <= 0) {
        return true;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(left, POLL_NANOS));
    }
  }

  private void markStuck(String error) {
    lastError = error;
    if (stuckSinceMillis == 0) {
      stuckSinceMillis = System.currentTimeMillis();
    }
  }

  private void markOk() {
    stuckSinceMillis = 0;
  }

  /** When the batch being sent first failed, or null while calls go through. */
  public Instant stuckSince() {
    long s = stuckSinceMillis;
    return s == 0 ? null : Instant.ofEpochMilli(s);
  }

  public String lastError() {
    return lastError;
  }

  /** Asks the worker to finish by {@code deadlineNanos} (System.nanoTime); returns at once. */
  public void beginStop(long deadlineNanos) {
    stopDeadlineNanos = deadlineNanos;
    stopping = true;
  }

  /** Waits for the worker until the deadline given to {@link #beginStop}, then closes the sender and the queue. */
  public void awaitStop() {
    if (stopped.getAndSet(true)) {
      return;
    }
    if (worker != null) {
      long left = Math.max(0, stopDeadlineNanos - System.nanoTime());
      NamedExecutors.shutdown(worker, name, Duration.ofNanos(left).plusMillis(500));
    }
    sender.close();
    try {
      queue.close();
    } catch (Exception e) {
      log.error("{}: closing the queue failed", name, e);
    }
  }
}
