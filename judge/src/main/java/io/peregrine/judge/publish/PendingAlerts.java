package io.peregrine.judge.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertPublisher;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.retry.Backoff;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.judge.eval.EventSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events waiting for the publisher, so that judging (on gRPC threads) never waits for Redis. For a batch publisher,
 * {@link #CALLS_IN_FLIGHT} named workers each take a batch and publish it, so that many calls are in flight on the
 * publisher's connection instead of one waiting for the last (one worker for a publisher of single events). The ids
 * of all batches in flight are disjoint: an event whose id is in flight waits, and everything behind it, until that
 * batch is done, so each id's events are published one at a time and in order, and a retried batch meets only its
 * own events' stored state. When publishing fails, a worker keeps its batch, counts the failure, logs a throttled
 * ERROR naming the target, and retries with capped exponential backoff.
 *
 * <p>The buffer holds at most {@code capacity} events. When it is full, the new event is dropped, counted as
 * {@code judge_alerts_dropped_total{reason="pending_full"}} and logged at ERROR: the evaluator then does not remember it,
 * so the condition raises it again on a later sample. {@link #close()} stops intake, keeps publishing until the
 * buffer is empty or the flush deadline passes, and counts and logs what remained ({@code reason="shutdown"}).
 */
public final class PendingAlerts implements Component, EventSink {
  private static final Logger log = LoggerFactory.getLogger(PendingAlerts.class);
  static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  /** A Redis restart takes seconds; five keeps the retry rate negligible without delaying recovery much. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Backoff RETRY = Backoff.exponential(FIRST_BACKOFF, MAX_BACKOFF);
  /** How often the same failure is logged. */
  private static final Duration LOG_EVERY = Duration.ofSeconds(30);
  private static final long IDLE_POLL_MILLIS = 200;
  /**
   * Script calls in flight for a batch publisher. Two: while Redis runs one, the next is encoded and sent (under CPU
   * contention one call at a time carried about 7k events/s, BENCHMARKS.md "judge hot path, second pass").
   */
  public static final int CALLS_IN_FLIGHT = 2;

  private final AlertPublisher publisher;
  private final String target;
  private final int capacity;
  private final Duration flushDeadline;
  private final ArrayBlockingQueue<AlertEvent> queue;
  private final Counter published;
  private final Counter failures;
  private final Counter droppedFull;
  private final Counter droppedClosed;
  private final Counter droppedShutdown;
  private final ThrottledLog failureLog = new ThrottledLog(log, LOG_EVERY);
  private final ThrottledLog dropLog = new ThrottledLog(log, LOG_EVERY);
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean closing;
  private volatile long deadlineNanos;
  /** Events taken from the queue and being published (every worker's batch). */
  private final AtomicInteger inFlight = new AtomicInteger();
  /**
   * An event taken from the queue that starts the next batch: its id was in the batch being filled or is in flight.
   * Written under {@link #takeLock}.
   */
  private volatile AlertEvent held;
  /** One worker fills a batch at a time, so events are taken in queue order. */
  private final ReentrantLock takeLock = new ReentrantLock();
  /** Guards {@link #idsInFlight}; {@link #released} is signalled when a batch's ids leave it. */
  private final ReentrantLock idsLock = new ReentrantLock();
  private final Condition released = idsLock.newCondition();
  private final Set<String> idsInFlight = new HashSet<>();
  private final int workers;
  /** Non-null when the publisher takes several events per round trip. */
  private final BatchAlertPublisher batches;
  private volatile ThreadPoolExecutor worker;

  /**
   * @param target how logs name the publisher ("Redis redis://10.0.0.5:6379/0")
   * @param flushDeadline how long close() keeps publishing what is pending
   */
  public PendingAlerts(AlertPublisher publisher, String target, int capacity, Duration flushDeadline,
      MeterRegistry registry) {
    this.publisher = publisher;
    this.batches = publisher instanceof BatchAlertPublisher b ? b : null;
    this.workers = batches != null ? CALLS_IN_FLIGHT : 1;
    this.target = target;
    this.capacity = capacity;
    this.flushDeadline = flushDeadline;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.published = Counter.builder("judge.alerts.published")
        .description("events the publisher accepted").register(registry);
    this.failures = Counter.builder("judge.alerts.publish.failures")
        .description("failed publish attempts (each is retried)").register(registry);
    this.droppedFull = dropped(registry, "pending_full");
    this.droppedClosed = dropped(registry, "closed");
    this.droppedShutdown = dropped(registry, "shutdown");
    Gauge.builder("judge.alerts.pending", this, PendingAlerts::size)
        .description("events waiting to be published").register(registry);
    Gauge.builder("judge.alerts.pending.capacity", () -> capacity)
        .description("most events that can wait").register(registry);
  }

  private static Counter dropped(MeterRegistry registry, String reason) {
    // named as the rest of the pipeline names lost alerts, not judge_..., so one query covers every component
    return Counter.builder("judge.alerts.dropped").tag("reason", reason)
        .description("alert events lost, by reason").register(registry);
  }

  @Override
  public String name() {
    return "judge-publisher";
  }

  @Override
  public void start() {
    worker = NamedExecutors.fixed("judge-publisher", workers, workers, new ThreadPoolExecutor.AbortPolicy());
    for (int i = 0; i < workers; i++) {
      worker.execute(this::run);
    }
    log.info("judge: publishing alert events to {} (up to {} pending, {} calls in flight)", target, capacity,
        workers);
  }

  /** Queues an event without blocking; false when it was dropped (counted and logged). */
  @Override
  public boolean offer(AlertEvent event) {
    if (closing) {
      droppedClosed.increment();
      log.error("judge: alert event {} {} arrived after shutdown began; dropped", event.id(), event.status());
      return false;
    }
    if (queue.offer(event)) {
      return true;
    }
    droppedFull.increment();
    dropLog.error("judge: {} alert events already wait for {}; dropped {} {} (priority {}); the publisher is "
        + "failing or too slow", capacity, target, event.id(), event.status(), event.priority());
    return false;
  }

  /** Events waiting, including the one being published. */
  public int size() {
    return queue.size() + inFlight.get() + (held != null ? 1 : 0);
  }

  /**
   * One worker: takes the oldest events as a batch ({@link #fill}) and publishes it, so under load one round trip
   * carries many events and at low rates an event goes out alone at once. A failed batch is kept whole and retried;
   * its ids stay in flight meanwhile, so no later event of theirs overtakes it.
   */
  private void run() {
    int attempt = 0;
    List<AlertEvent> batch = new ArrayList<>(batches != null ? BatchAlertPublisher.MAX_BATCH : 1);
    Set<String> ids = new HashSet<>();
    BatchAlertPublisher.Call call = null;
    try {
      while (true) {
        if (closing && System.nanoTime() - deadlineNanos >= 0) {
          return;
        }
        if (batch.isEmpty()) {
          if (closing && queue.isEmpty() && held == null) {
            return;
          }
          call = fill(batch, ids);
          if (call == null) {
            continue;
          }
        }
        try {
          if (call != null) {
            BatchAlertPublisher.Call started = call;
            call = null; // a retry publishes again, synchronously
            started.await();
          } else if (batches != null) {
            batches.publishAll(batch);
          } else {
            publisher.publish(batch.get(0));
          }
          published.increment(batch.size());
          release(ids);
          inFlight.addAndGet(-batch.size());
          batch.clear();
          if (attempt > 0) {
            log.info("judge: publishing to {} works again after {} failed attempts", target, attempt);
          }
          attempt = 0;
        } catch (AlertQueueException | RuntimeException e) {
          failures.increment();
          attempt++;
          long backoff = RETRY.delay(attempt).toMillis();
          failureLog.error("judge: cannot publish alert event {} ({} in this attempt) to {}: {}; {} events pending, "
              + "retrying in {} ms", batch.get(0).id(), batch.size(), target, e.getMessage(), size(), backoff);
          pause(backoff);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Takes the next batch, oldest first: up to {@link BatchAlertPublisher#MAX_BATCH} events (one without a batch
   * publisher), cut before an event whose id is already in it or in another worker's batch in flight. So a batch
   * retried after Redis in fact ran it (an answer lost) meets each id's own stored state and pushes nothing twice;
   * with two events of one id in one batch, or in two batches in flight, one's state would hide that the other was
   * delivered. The event that cut the batch starts the next one, once its id is free. The batch's call is started
   * before the next worker may take events, so calls reach the publisher in queue order.
   *
   * @return the started call, or null when nothing could be taken within the idle poll
   */
  private BatchAlertPublisher.Call fill(List<AlertEvent> batch, Set<String> ids) throws InterruptedException {
    takeLock.lockInterruptibly();
    try {
      AlertEvent first = held != null ? held : queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
      held = null;
      if (first == null) {
        return null;
      }
      idsLock.lockInterruptibly();
      try {
        while (idsInFlight.contains(first.id())) {
          if (!released.await(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            held = first; // still first in line
            return null;
          }
        }
        ids.clear();
        ids.add(first.id());
        batch.add(first);
        while (batches != null && batch.size() < BatchAlertPublisher.MAX_BATCH) {
          AlertEvent e = queue.poll();
          if (e == null) {
            break;
          }
          if (idsInFlight.contains(e.id()) || !ids.add(e.id())) {
            held = e; // first of the next batch
            break;
          }
          batch.add(e);
        }
        idsInFlight.addAll(ids);
        inFlight.addAndGet(batch.size());
      } finally {
        idsLock.unlock();
      }
      if (batches != null) {
        try {
          return batches.start(batch);
        } catch (RuntimeException e) {
          return () -> {
            throw e; // failed like a call: counted, logged and retried by the worker
          };
        }
      }
      AlertEvent single = batch.get(0);
      return () -> publisher.publish(single);
    } finally {
      takeLock.unlock();
    }
  }

  /** A batch is done: its ids may be taken again. */
  private void release(Set<String> ids) {
    idsLock.lock();
    try {
      idsInFlight.removeAll(ids);
      released.signalAll();
    } finally {
      idsLock.unlock();
    }
  }

  /** The cap of the jittered wait after {@code attempt} failures (the wait is drawn from 0 up to it). */
  static long backoffMillis(int attempt) {
    return RETRY.ceiling(attempt).toMillis();
  }

  /** Waits before a retry; close() cuts the wait short, and during the flush it never passes the deadline. */
  private void pause(long millis) throws InterruptedException {
    boolean wasClosing = closing;
    long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
    if (wasClosing) {
      nanos = Math.min(nanos, deadlineNanos - System.nanoTime());
    }
    lock.lock();
    try {
      while (nanos > 0 && closing == wasClosing) {
        nanos = wake.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    deadlineNanos = System.nanoTime() + flushDeadline.toNanos();
    lock.lock();
    try {
      closing = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    if (worker != null) {
      // the worker stops by the deadline; the margin covers a publish call already under way
      NamedExecutors.shutdown(worker, name(), flushDeadline.plusSeconds(3));
    }
    int remaining = size();
    if (remaining > 0) {
      droppedShutdown.increment(remaining);
      log.error("judge: {} alert events were not published to {} within the {} ms flush deadline and are lost",
          remaining, target, flushDeadline.toMillis());
    } else {
      log.info("judge: all alert events published to {}", target);
    }
  }
}
