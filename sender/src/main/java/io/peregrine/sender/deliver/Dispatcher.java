package io.peregrine.sender.deliver;

import io.peregrine.common.server.ThrottledLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.event.AlertSource;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.sender.SenderConfig;
import io.peregrine.sender.channel.Channel;
import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.receiver.ReceiverDirectory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender's workers. Each one loops: a retry that is due, else the next event from the source (most urgent
 * first), then one delivery attempt through every channel not yet done. When all channels are done the event is
 * acknowledged; when one still fails, the event waits (doubling backoff, capped) for another attempt; after
 * {@code maxAttempts} it is dead-lettered with the channels' last errors. Every outcome is counted:
 * {@code sender_delivered_total{channel}}, {@code sender_failed_total{channel}}, {@code sender_retried_total},
 * {@code sender_dead_lettered_total{reason}}, {@code sender_acked_total}.
 *
 * <p>Bounded: at most {@code maxInFlight} events (plus one per worker) are held between take and acknowledgement,
 * retries included; at the cap, workers only run due retries and the rest of the events wait in the source. An ack
 * or dead-letter write that fails (the source is down) is retried with the same backoff, without delivering again.
 * Events still held at close are not acknowledged, so a Redis source delivers them again at the next start.
 */
public final class Dispatcher implements Component {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  /** Short, so that a retry falling due while a worker waits on an empty source is late by at most this. */
  static final Duration TAKE_WAIT = Duration.ofMillis(200);
  private static final Duration SOURCE_ERROR_FIRST_WAIT = Duration.ofMillis(200);
  private static final Duration SOURCE_ERROR_MAX_WAIT = Duration.ofSeconds(5);
  /** Long enough for a send in progress (bounded by the call timeout) to finish in the usual case. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final AlertSource source;
  private final Deliverer deliverer;
  private final int workers;
  private final int maxAttempts;
  private final int maxInFlight;
  private final Backoff backoff;
  private final MeterRegistry registry;
  private final DelayQueue<Attempt> retries = new DelayQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ThrottledLog sourceErrors = new ThrottledLog(log, Duration.ofSeconds(10));
  private final ThrottledLog deadLetters = new ThrottledLog(log, Duration.ofSeconds(5));
  private volatile ThreadPoolExecutor pool;

  public Dispatcher(SenderConfig config, AlertSource source, List<Channel> channels, ReceiverDirectory receivers,
      MessageFormatter formatter, MeterRegistry registry) {
    this.source = source;
    this.deliverer = new Deliverer(channels, receivers, formatter, registry);
    this.workers = config.workers();
    this.maxAttempts = config.maxAttempts();
    this.maxInFlight = config.maxInFlight();
    this.backoff = new Backoff(config.retryBackoff(), config.retryBackoffMax());
    this.registry = registry;
    registry.gauge("sender.in_flight", inFlight);
    registry.gauge("sender.retry_queue.size", retries, DelayQueue::size);
  }

  @Override
  public String name() {
    return "sender-workers";
  }

  @Override
  public void start() {
    running.set(true);
    // exactly one task per thread, so the queue never holds more than it was given
    pool = NamedExecutors.fixed("sender-worker", workers, workers, new ThreadPoolExecutor.AbortPolicy());
    for (int i = 0; i < workers; i++) {
      pool.execute(this::work);
    }
    log.info("sender: {} workers delivering, up to {} attempts per event", workers, maxAttempts);
  }

  /** True while the workers run; feeds /health. */
  public boolean running() {
    return running.get() && pool != null && !pool.isShutdown();
  }

  /** Events taken and not yet acknowledged or dead-lettered. */
  public int inFlight() {
    return inFlight.get();
  }

  private void work() {
    Duration sourceWait = SOURCE_ERROR_FIRST_WAIT;
    while (running.get()) {
      try {
        Attempt a = retries.poll();
        if (a == null && inFlight.get() >= maxInFlight) {
          a = retries.poll(TAKE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } else if (a == null) {
          try {
            AlertSource.Delivery d = source.take(TAKE_WAIT);
            sourceWait = SOURCE_ERROR_FIRST_WAIT;
            if (d != null) {
              inFlight.incrementAndGet();
              a = new Attempt(d);
            }
          } catch (AlertQueueException e) {
            registry.counter("sender.source.errors", "op", "take").increment();
            sourceErrors.warn("sender: cannot take events: {}", e.getMessage());
            // keep due retries moving while the source is away
            a = retries.poll(sourceWait.toMillis(), TimeUnit.MILLISECONDS);
            sourceWait = min(sourceWait.multipliedBy(2), SOURCE_ERROR_MAX_WAIT);
          }
        }
        if (a != null) {
          step(a);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // a bug in a source: count it and go on rather than lose the worker
        registry.counter("sender.source.errors", "op", "unexpected").increment();
        sourceErrors.warn("sender: worker hit an unexpected error: {}", e.toString(), e);
      }
    }
  }

  private void step(Attempt a) {
    if (!a.delivered && a.deadReason == null) {
      a.attempts++;
      if (deliverer.attempt(a)) {
        a.delivered = true;
      } else if (a.attempts >= maxAttempts) {
        a.deadReason = "gave up after " + a.attempts + " attempts: " + a.errorSummary();
      } else {
        registry.counter("sender.retried").increment();
        a.dueIn(backoff.after(a.attempts).toNanos());
        retries.add(a);
        return;
      }
    }
    finish(a);
  }

  private void finish(Attempt a) {
    try {
      if (a.delivered) {
        source.ack(a.delivery);
        registry.counter("sender.acked").increment();
      } else {
        source.deadLetter(a.delivery, a.deadReason);
        registry.counter("sender.dead_lettered", "reason", "attempts_exhausted").increment();
        deadLetters.warn("sender: event {} dead-lettered: {}", a.delivery.event().id(), a.deadReason);
      }
      inFlight.decrementAndGet();
    } catch (AlertQueueException | RuntimeException e) {
      String op = a.delivered ? "ack" : "dead_letter";
      registry.counter("sender.source.errors", "op", op).increment();
      sourceErrors.warn("sender: {} of event {} failed, will retry: {}", op, a.delivery.event().id(),
          e.getMessage());
      a.finishFailures++;
      a.dueIn(backoff.after(a.finishFailures).toNanos());
      retries.add(a);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || pool == null) {
      return;
    }
    running.set(false);
    NamedExecutors.shutdown(pool, "sender-worker", STOP_GRACE);
    int left = inFlight.get();
    if (left > 0) {
      log.warn("sender: stopped with {} events unfinished ({} waiting for a retry); a Redis source delivers them "
          + "again at the next start, an in-process queue loses them", left, retries.size());
    }
  }
}
