package io.peregrine.agent.ship;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.retry.Backoff;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.tls.TlsMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 *
 * <p>Parts: {@link BatchFiller} fills the batch from the queue; {@link OutcomeSettler} counts each answer and keeps
 * the backoff and overload pause; this class decides where each batch goes (transfer, the spool) and runs the worker.
 */
public final class Shipper implements Component {
  private static final Logger log = LoggerFactory.getLogger(Shipper.class);

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
  private final BatchFiller filler;
  private final OutcomeSettler outcomes;
  private final ReplayGroup replayGroup;
  private final WirePool pool;
  private final SeriesOwners owners = new SeriesOwners();
  private volatile boolean stopping;
  private volatile boolean killed;
  private volatile long stopDeadlineNanos;
  private TransferClient client;
  private volatile TlsMaterial tls = TlsMaterial.plaintext("agent");
  private ExecutorService worker;
  // worker-thread state
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
    this.filler = new BatchFiller(queue, batchSize, flushInterval, () -> stopping);
    this.outcomes = new OutcomeSettler(name(), ledger, spool);
    this.replayGroup = new ReplayGroup(spool);
    this.pool = new WirePool(batchSize);
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
    WireSamples batch = pool.take();
    try {
      while (!stopping) {
        try {
          // with a spool to replay and transfer up, do not idle on an empty queue
          filler.fill(batch, !spool.isEmpty() && outcomes.transferReady());
          if (!batch.isEmpty() && queue.size() > 0 && spool.isEmpty() && outcomes.transferReady()) {
            batch = shipGroup(batch); // what starts the next batch
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

  /**
   * Sends a new batch, or spools it when older data waits in the spool, transfer is known to be down or said it is
   * overloaded. What transfer refuses as OVERLOADED is spooled (the spool was empty: it becomes the head).
   */
  private void ship(WireSamples batch) {
    if (!spool.isEmpty() || !outcomes.transferReady()) {
      spool.write(batch);
      return;
    }
    sendNew(batch);
  }

  /** Sends a new batch transfer may be called for now; what it did not take, or refused as OVERLOADED, is spooled. */
  private void sendNew(WireSamples batch) {
    WireSamples again = send(batch, false);
    if (again == null) {
      spool.write(batch);
    } else if (!again.isEmpty()) {
      spool.write(again);
    }
  }

  /**
   * More is queued behind the batch: up to {@link TransferStream#MAX_IN_FLIGHT} series-disjoint batches
   * ({@link BatchGroup}) go out together and each answer settles its own batch; those no address took are spooled,
   * in order. The group's buffers go back to the pool.
   *
   * @return what starts the next batch
   */
  private WireSamples shipGroup(WireSamples batch) {
    WireSamples carry = pool.take();
    List<WireSamples> group = BatchGroup.form(batch, carry, queue, batchSize, TransferStream.MAX_IN_FLIGHT, pool,
        owners);
    if (group.size() == 1) {
      sendNew(batch); // the caller checked that transfer may be called and the spool is empty
    } else {
      if (outcomes.down()) {
        client.reconnectNow();
      }
      List<Object> answers = client.pushAll(group);
      for (int i = 0; i < group.size(); i++) {
        WireSamples again = outcomes.settle(group.get(i), answers.get(i), false);
        if (again == null) {
          spool.write(group.get(i)); // in order: the unsent batches are the group's last
        } else if (!again.isEmpty()) {
          spool.write(again);
        }
      }
      if (answers.contains(null)) {
        outcomes.markDown(client.lastFailures()); // once per group, after the answered batches marked transfer up
      }
    }
    group.forEach(pool::give);
    return carry;
  }

  /**
   * Sends spooled batches oldest first for up to flushInterval, while transfer takes them: up to
   * {@link TransferStream#MAX_IN_FLIGHT} at once when their series are disjoint ({@link ReplayGroup}), else one at a
   * time. A batch is deleted only once transfer answered for all of it; when it refused some samples as OVERLOADED the
   * batch is rewritten with those and keeps its place, so nothing newer of its series overtakes it and what transfer
   * took is not sent again. Each batch of a group is settled by its own answer, in spool order.
   */
  private void replay() {
    long until = System.nanoTime() + flushInterval.toNanos();
    while (!stopping && !spool.isEmpty() && outcomes.transferReady() && System.nanoTime() < until) {
      List<ReplayGroup.Member> group = replayGroup.next(TransferStream.MAX_IN_FLIGHT);
      if (group.isEmpty()) {
        continue;
      }
      if (outcomes.down()) {
        client.reconnectNow();
      }
      List<WireSamples> wire = new ArrayList<>(group.size());
      group.forEach(m -> wire.add(m.samples()));
      List<Object> answers = client.pushAll(wire);
      boolean allDone = true;
      for (int i = 0; i < group.size(); i++) {
        ReplayGroup.Member m = group.get(i);
        WireSamples again = outcomes.settle(m.samples(), answers.get(i), true);
        if (again == null) {
          allDone = false; // not taken: it stays where it is
        } else if (again.isEmpty()) {
          spool.remove(m.entry());
        } else {
          spool.replace(m.entry(), again);
          allDone = false;
        }
      }
      if (answers.contains(null)) {
        outcomes.markDown(client.lastFailures());
      }
      if (!allDone) {
        return;
      }
    }
  }

  /**
   * @return null when no address took the batch; otherwise the samples transfer refused as OVERLOADED, in batch
   *     order (empty: the batch is done with, whatever else it refused)
   */
  private WireSamples send(WireSamples samples, boolean fromSpool) {
    if (outcomes.down()) {
      client.reconnectNow();
    }
    Object outcome = client.pushAll(List.of(samples)).get(0);
    WireSamples again = outcomes.settle(samples, outcome, fromSpool);
    if (again == null) {
      outcomes.markDown(client.lastFailures());
    }
    return again;
  }

  /** Runs on the worker after stopping was set: send what is queued until the deadline, spool the rest. */
  private void flushAtClose(WireSamples batch) {
    while (!batch.isEmpty() || queue.size() > 0) {
      queue.drainTo(batch, batchSize - batch.size());
      boolean inTime = System.nanoTime() - stopDeadlineNanos < 0;
      WireSamples again = inTime && spool.isEmpty() && outcomes.transferReady() ? send(batch, false) : null;
      WireSamples rest = again == null ? batch : again;
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
