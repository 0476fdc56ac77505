package io.peregrine.agent.ship;

import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.retry.Backoff;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named worker that drains the {@link SampleQueue} into batches (batchSize samples, or whatever came within
 * flushInterval of the first) and sends them to transfer.
 *
 * <p>Transfer unreachable (every address failed): the batch goes to the {@link DiskSpool}, and for a backoff period
 * (the project's {@link Backoff}: up to 1 s doubling to 30 s, full jitter, so agents that lost one transfer do not
 * come back in lock step) new batches go straight to the spool without a call. While the spool holds anything, new
 * batches join its tail and the worker sends from its head, oldest first, deleting each file only after transfer
 * answered: samples reach transfer in time order (graph's archives and judge's history refuse points older than what
 * they have) and at least once (a call that timed out after transfer took it is sent again: transfer never answered
 * it). Replay runs for at most
 * flushInterval at a time, so the queue keeps draining meanwhile.
 *
 * <p>Samples transfer refuses as invalid are counted as dropped (reason rejected_&lt;code&gt;) and logged, never sent
 * again; those it refuses as OVERLOADED (its queue was full) stay at the head of the spool (a replayed batch is
 * rewritten with only them) and are sent again after a pause (the same backoff), before anything newer. So spooled
 * batches reach transfer in the order they were written, and each sample transfer acknowledged is sent once; only a
 * crash between transfer's answer and the spool's delete sends that one batch again (graph drops the repeats as out of
 * order, counted).
 *
 * <p>Accounting: every move of samples (queue to hand, hand to transfer, spool or a drop, spool to transfer or a drop)
 * is one step in the queue's {@link SampleLedger}, so in + restored = sent + dropped + spooled + queued + in hand
 * holds at every moment, mid-batch included.
 *
 * <p>Close: the queue stops taking samples, the worker sends what is queued until a deadline, spools the rest, and
 * logs the counts.
 */
public final class Shipper implements Component {
  private static final Logger log = LoggerFactory.getLogger(Shipper.class);
  private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Backoff BACKOFF = Backoff.exponential(MIN_BACKOFF, MAX_BACKOFF);
  private static final long STOP_CHECK_NANOS = Duration.ofMillis(250).toNanos();

  private final SampleQueue queue;
  private final List<String> addresses;
  private final int batchSize;
  private final Duration flushInterval;
  private final Duration sendTimeout;
  /** Sending what is queued at close may take this long (two calls' worth); the rest is spooled. */
  private final Duration flushDeadline;
  private final MeterRegistry registry;
  private final DiskSpool spool;
  private final SampleLedger ledger;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ThrottledLog rejectLog = new ThrottledLog(log, Duration.ofMinutes(1));
  private volatile boolean stopping;
  private volatile boolean killed;
  private volatile long stopDeadlineNanos;
  private TransferClient client;
  private volatile TlsMaterial tls = TlsMaterial.plaintext("agent");
  private ExecutorService worker;
  // worker-thread state
  private boolean down;
  private long downUntilNanos;
  private long outageFailures;
  /** Transfer answered OVERLOADED: nothing is sent before this (System.nanoTime()). */
  private long pausedUntilNanos = System.nanoTime();
  private int overloadedInRow;
  private long flushedAtClose;
  private long spooledAtClose;

  public Shipper(SampleQueue queue, List<String> transferAddresses, int batchSize, Duration flushInterval,
      Duration sendTimeout, Path spoolDir, long spoolMaxBytes, MeterRegistry registry) {
    this.queue = queue;
    this.addresses = List.copyOf(transferAddresses);
    this.batchSize = batchSize;
    this.flushInterval = flushInterval;
    this.sendTimeout = sendTimeout;
    this.flushDeadline = sendTimeout.multipliedBy(2);
    this.registry = registry;
    this.ledger = queue.ledger();
    this.spool = new DiskSpool(spoolDir, spoolMaxBytes, ledger, registry);
    ledger.droppedCounter("rejected_batch"); // shown as 0 from the start
    ledger.droppedCounter("shutdown");
  }

  /** TLS of the channels to transfer (the agent's {@code tls} block); call before {@link #start()}. */
  public Shipper tls(TlsMaterial tls) {
    this.tls = tls;
    return this;
  }

  @Override
  public String name() {
    return "agent-shipper";
  }

  @Override
  public void start() throws IOException {
    spool.open();
    client = new TransferClient(addresses, sendTimeout, registry, tls);
    worker = NamedExecutors.fixed(name(), 1, 1, new ThreadPoolExecutor.AbortPolicy());
    worker.execute(this::run);
    log.info("{}: shipping to {} in batches of {} (flush {} ms), spool {}", name(), addresses, batchSize,
        flushInterval.toMillis(), spoolDirDescription());
  }

  private String spoolDirDescription() {
    return spool.files() == 0 ? "empty" : spool.files() + " batches / " + spool.samples() + " samples waiting";
  }

  /** Samples waiting in the spool (for tests and /health detail). */
  public long spooledSamples() {
    return spool.samples();
  }

  public long spooledFiles() {
    return spool.files();
  }

  private void run() {
    List<Sample> batch = new ArrayList<>(batchSize);
    try {
      while (!stopping) {
        try {
          fill(batch);
          if (!batch.isEmpty() && queue.size() > 0 && spool.isEmpty() && !inBackoff() && !paused()) {
            shipGroup(batch); // leaves in batch what starts the next one
          } else if (!batch.isEmpty()) {
            ship(batch);
            batch.clear();
          }
          replay();
        } catch (RuntimeException e) {
          // a bug in one round must not end shipping; the batch in hand was spooled or is retried below
          log.error("{}: shipping round failed; {} samples kept for the next round", name(), batch.size(), e);
        }
      }
      if (!killed) {
        flushAtClose(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      int queued = queue.size();
      int lost = batch.size() + queued;
      if (lost > 0) {
        ledger.droppedFromHand("shutdown", batch.size());
        ledger.droppedFromQueue("shutdown", queued);
        log.warn("{}: interrupted with {} samples neither sent nor spooled (dropped, reason shutdown)", name(),
            lost);
      }
    }
  }

  /** Up to batchSize samples, waiting at most flushInterval for the first and flushInterval more for the rest. */
  private void fill(List<Sample> batch) throws InterruptedException {
    if (batch.size() >= batchSize) {
      return;
    }
    // with a spool to replay and transfer up, do not idle on an empty queue
    long firstWait = !spool.isEmpty() && !inBackoff() && !paused() ? 0 : flushInterval.toNanos();
    if (batch.isEmpty()) {
      Sample first = poll(System.nanoTime() + firstWait);
      if (first == null) {
        return;
      }
      batch.add(first);
    }
    long deadline = System.nanoTime() + flushInterval.toNanos();
    while (batch.size() < batchSize) {
      queue.drainTo(batch, batchSize - batch.size());
      if (batch.size() >= batchSize) {
        return;
      }
      Sample next = poll(deadline);
      if (next == null) {
        return;
      }
      batch.add(next);
    }
  }

  /**
   * Waits for a sample until the deadline, or until close() asks the worker to stop (checked every 250 ms: each check
   * wakes an otherwise idle thread, so not more often).
   */
  private Sample poll(long deadlineNanos) throws InterruptedException {
    while (true) {
      long remaining = deadlineNanos - System.nanoTime();
      Sample s = queue.poll(Math.max(0, Math.min(remaining, STOP_CHECK_NANOS)));
      if (s != null || remaining <= STOP_CHECK_NANOS || stopping) {
        return s;
      }
    }
  }

  /**
   * Sends a new batch, or spools it when older data waits in the spool, transfer is known to be down or said it is
   * overloaded. What transfer refuses as OVERLOADED is spooled (the spool was empty: it becomes the head).
   */
  private void ship(List<Sample> batch) {
    if (!spool.isEmpty() || inBackoff() || paused()) {
      spool.write(batch);
      return;
    }
    List<Sample> again = send(batch, false);
    if (again == null) {
      spool.write(batch);
    } else if (!again.isEmpty()) {
      spool.write(again);
    }
  }

  /**
   * More is queued behind the batch: up to {@link TransferStream#MAX_IN_FLIGHT} series-disjoint batches
   * ({@link BatchGroup}) go out together and each answer settles its own batch; those no address took are spooled,
   * in order. {@code batch} holds on return what starts the next batch.
   */
  private void shipGroup(List<Sample> batch) {
    List<List<Sample>> group = BatchGroup.form(batch, queue, batchSize, TransferStream.MAX_IN_FLIGHT);
    List<Sample> first = group.get(0);
    if (group.size() == 1) {
      ship(first);
      return;
    }
    List<SampleBatch> wire = new ArrayList<>(group.size());
    group.forEach(g -> wire.add(SampleBatch.newBuilder().addAllSamples(g).build()));
    if (down) {
      client.reconnectNow();
    }
    List<Object> outcomes = client.pushAll(wire);
    for (int i = 0; i < group.size(); i++) {
      List<Sample> again = settle(group.get(i), outcomes.get(i), false);
      if (again == null) {
        spool.write(group.get(i)); // in order: the unsent batches are the group's last
      } else if (!again.isEmpty()) {
        spool.write(again);
      }
    }
    if (outcomes.contains(null)) {
      markDown(0, client.lastFailures()); // once per group, after the answered batches marked transfer up
    }
  }

  /**
   * Sends spooled batches oldest first for up to flushInterval, while transfer takes them. A batch is deleted only
   * once transfer answered for all of it; when it refused some samples as OVERLOADED the batch is rewritten with
   * those and stays at the head, so nothing newer overtakes it and what transfer took is not sent again.
   */
  private void replay() {
    long until = System.nanoTime() + flushInterval.toNanos();
    while (!stopping && !spool.isEmpty() && !inBackoff() && !paused() && System.nanoTime() < until) {
      DiskSpool.Entry oldest = spool.oldest();
      SampleBatch batch = spool.read(oldest);
      if (batch == null) {
        continue; // unreadable: read() deleted and counted it
      }
      List<Sample> again = send(batch.getSamplesList(), true);
      if (again == null) {
        return;
      }
      if (again.isEmpty()) {
        spool.remove(oldest);
      } else {
        spool.replaceOldest(oldest, again);
        return;
      }
    }
  }

  private boolean paused() {
    return System.nanoTime() - pausedUntilNanos < 0;
  }

  /**
   * @return null when no address took the batch; otherwise the samples transfer refused as OVERLOADED, in batch
   *     order (empty: the batch is done with, whatever else it refused)
   */
  private List<Sample> send(List<Sample> samples, boolean fromSpool) {
    if (down) {
      client.reconnectNow();
    }
    Object outcome = client.pushAll(List.of(SampleBatch.newBuilder().addAllSamples(samples).build())).get(0);
    List<Sample> again = settle(samples, outcome, fromSpool);
    if (again == null) {
      markDown(samples.size(), client.lastFailures());
    }
    return again;
  }

  /**
   * Counts what transfer answered for one batch ({@link TransferClient#pushAll}'s outcome).
   *
   * @return null when no address took it (nothing counted: the caller spools it or keeps it spooled); otherwise the
   *     samples refused as OVERLOADED, in batch order
   */
  private List<Sample> settle(List<Sample> samples, Object outcome, boolean fromSpool) {
    if (outcome == null) {
      return null;
    }
    if (outcome instanceof StatusRuntimeException e) {
      // INVALID_ARGUMENT for the whole batch: no transfer will ever take it, so it is not kept
      drop(fromSpool, "rejected_batch", samples.size());
      log.error("{}: transfer refused a whole batch of {} samples: {} (dropped, reason rejected_batch)", name(),
          samples.size(), e.getStatus());
      markUp();
      return List.of();
    }
    PushResponse response = (PushResponse) outcome;
    markUp();
    List<Sample> overloaded = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>(response.getRejectsList());
    rejects.sort(Comparator.comparingInt(Reject::getIndex)); // send again in the batch's order
    int accepted = samples.size() - response.getRejectsCount();
    if (fromSpool) {
      ledger.sentFromSpool(accepted);
    } else {
      ledger.sentFromHand(accepted);
    }
    for (Reject r : rejects) {
      if (r.getCode() == RejectCode.OVERLOADED && r.getIndex() < samples.size()) {
        overloaded.add(samples.get((int) r.getIndex()));
      } else {
        drop(fromSpool, "rejected_" + r.getCode().name().toLowerCase(), 1);
        rejectLog.warn("{}: transfer rejected a sample: {} {} (dropped)", name(), r.getCode(), r.getReason());
      }
    }
    if (overloaded.isEmpty()) {
      overloadedInRow = 0;
    } else {
      // give transfer a moment (the project's backoff, from up to 1 s) before sending them again
      overloadedInRow++;
      pausedUntilNanos = System.nanoTime() + BACKOFF.delay(overloadedInRow).toNanos();
      rejectLog.warn("{}: transfer is overloaded; {} samples kept in the spool to be sent again", name(),
          overloaded.size());
    }
    return overloaded;
  }

  private void drop(boolean fromSpool, String reason, int n) {
    if (fromSpool) {
      ledger.droppedFromSpool(reason, n);
    } else {
      ledger.droppedFromHand(reason, n);
    }
  }

  private boolean inBackoff() {
    return down && System.nanoTime() - downUntilNanos < 0;
  }

  private void markDown(int samples, String why) {
    outageFailures++;
    if (!down) {
      log.warn("{}: transfer unreachable ({}); spooling to disk and retrying with backoff up to {} s", name(), why,
          MAX_BACKOFF.toSeconds());
    }
    down = true;
    downUntilNanos = System.nanoTime() + BACKOFF.delay((int) Math.min(outageFailures, Integer.MAX_VALUE)).toNanos();
  }

  private void markUp() {
    if (down) {
      log.info("{}: transfer reachable again after {} failed attempts; {} spooled samples to replay", name(),
          outageFailures, spool.samples());
    }
    down = false;
    outageFailures = 0;
  }

  /** Runs on the worker after stopping was set: send what is queued until the deadline, spool the rest. */
  private void flushAtClose(List<Sample> batch) {
    while (!batch.isEmpty() || queue.size() > 0) {
      queue.drainTo(batch, batchSize - batch.size());
      boolean inTime = System.nanoTime() - stopDeadlineNanos < 0;
      List<Sample> again = inTime && spool.isEmpty() && !inBackoff() && !paused() ? send(batch, false) : null;
      List<Sample> rest = again == null ? batch : again;
      flushedAtClose += batch.size() - rest.size();
      if (!rest.isEmpty() && spool.write(rest)) {
        spooledAtClose += rest.size();
      }
      batch.clear();
    }
  }

  /**
   * What kill -9 leaves behind, for tests: the worker is interrupted at once (a call in flight is cancelled, so
   * transfer never acknowledges it), nothing is flushed, spooled or deleted after that, and the spool stays as it is
   * for the next shipper on the directory.
   */
  void kill() throws InterruptedException {
    closed.set(true);
    killed = true;
    stopping = true;
    queue.closeIntake();
    if (worker != null) {
      worker.shutdownNow();
      worker.awaitTermination(10, TimeUnit.SECONDS);
      client.close();
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    queue.closeIntake();
    if (worker == null) {
      return;
    }
    stopDeadlineNanos = System.nanoTime() + flushDeadline.toNanos();
    stopping = true;
    // the worker needs up to flushInterval to notice, flushDeadline to send, then time to write the rest to disk
    NamedExecutors.shutdown(worker, name(), flushDeadline.plus(flushInterval).plusSeconds(5));
    client.close();
    log.info("{}: stopped; flushing at close sent {} samples and spooled {}; spool holds {} batches "
        + "({} samples, {} bytes)", name(), flushedAtClose, spooledAtClose, spool.files(), spool.samples(),
        spool.bytes());
  }
}
