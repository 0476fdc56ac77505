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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events waiting for the publisher, so that judging (on gRPC threads) never waits for Redis. One named worker
 * publishes them in order; when publishing fails it keeps the event at the head, counts the failure, logs a throttled
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
  /** Events taken from the queue and being published (the worker's batch). */
  private volatile int inFlight;
  /** An event taken from the queue that starts the next batch (its id was already in the current one). */
  private volatile AlertEvent held;
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
    worker = NamedExecutors.fixed("judge-publisher", 1, 1, new ThreadPoolExecutor.AbortPolicy());
    worker.execute(this::run);
    log.info("judge: publishing alert events to {} (up to {} pending)", target, capacity);
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
    return queue.size() + inFlight + (held != null ? 1 : 0);
  }

  /**
   * Publishes in order: takes the oldest event and, for a batch publisher, whatever else is waiting (up to
   * {@link BatchAlertPublisher#MAX_BATCH}), so under load one round trip carries many events and at low rates an
   * event goes out alone at once. A failed batch is kept whole and retried.
   */
  private void run() {
    int attempt = 0;
    List<AlertEvent> batch = new ArrayList<>(batches != null ? BatchAlertPublisher.MAX_BATCH : 1);
    Set<String> ids = new HashSet<>();
    try {
      while (true) {
        if (batch.isEmpty()) {
          if (closing && queue.isEmpty() && held == null) {
            return;
          }
          if (!fill(batch, ids)) {
            continue;
          }
        }
        if (closing && System.nanoTime() - deadlineNanos >= 0) {
          return;
        }
        try {
          if (batches != null) {
            batches.publishAll(batch);
          } else {
            publisher.publish(batch.get(0));
          }
          published.increment(batch.size());
          batch.clear();
          inFlight = 0;
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
   * publisher), cut before a second event of the same id. So a batch retried after Redis in fact ran it (an answer
   * lost) meets each id's own stored state and pushes nothing twice; with two events of one id in a batch, the
   * second's state would hide that the first was delivered.
   *
   * @return false when nothing arrived within the idle poll
   */
  private boolean fill(List<AlertEvent> batch, Set<String> ids) throws InterruptedException {
    AlertEvent first = held != null ? held : queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
    held = null;
    if (first == null) {
      return false;
    }
    batch.add(first);
    if (batches != null) {
      ids.clear();
      ids.add(first.id());
      while (batch.size() < BatchAlertPublisher.MAX_BATCH) {
        AlertEvent e = queue.poll();
        if (e == null) {
          break;
        }
        if (!ids.add(e.id())) {
          held = e; // first of the next batch
          break;
        }
        batch.add(e);
      }
    }
    inFlight = batch.size();
    return true;
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
