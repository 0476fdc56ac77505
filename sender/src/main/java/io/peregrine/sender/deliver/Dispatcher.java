package io.peregrine.sender.deliver;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.event.AlertSource;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.retry.Backoff;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.sender.SenderConfig;
import io.peregrine.sender.channel.Channel;
import io.peregrine.sender.claim.DeliveryClaims;
import io.peregrine.sender.lifecycle.IncidentGate;
import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.receiver.ReceiverDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender's workers. Each one loops: a retry that is due, else the next event from the source (most urgent
 * first), then one pass through every send not yet done ({@link Deliverer}). When every send is done the event is
 * acknowledged; a failed send is retried with the project's {@link Backoff} (exponential, full jitter) until the
 * event's deadline ({@code retryDeadline} for a PROBLEM, {@code retryDeadlineOk} for an OK, from when it was taken),
 * then it is dead-lettered with the last errors; a send a channel refused for good (HTTP 400) dead-letters it without
 * retrying. Events of one incident go one at a time, in order ({@link IncidentOrder}). Counted:
 * {@code sender_retried_total}, {@code sender_dead_lettered_total{reason}}, {@code sender_acked_total},
 * {@code sender_held_total{reason=order|rate_limit}}, gauges {@code sender_in_flight}, {@code sender_retry_queue_size},
 * {@code sender_incident_held}.
 *
 * <p>Bounded: at most {@code maxInFlight} events (plus one per worker, plus the rest of a Redis take's batch of up to
 * 64 not yet handed out) are held between take and acknowledgement,
 * retries, digests and events waiting for their incident included; at the cap, workers only run due retries and the
 * rest of the events wait in the source. An ack or dead-letter write that fails (the source is down) is retried
 * with backoff, without delivering again. Events still held at close are not acknowledged, so a Redis source
 * delivers them again at the next start, and the claims keep anyone from being told twice.
 */
public final class Dispatcher implements Component {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  /** Short, so that a retry falling due or a new event is picked up within this while a worker is idle. */
  static final Duration IDLE_WAIT = Duration.ofMillis(100);
  private static final Duration SOURCE_ERROR_FIRST_WAIT = Duration.ofMillis(200);
  private static final Duration SOURCE_ERROR_MAX_WAIT = Duration.ofSeconds(5);
  /** How often the digests look for windows that are over. */
  private static final Duration DIGEST_TICK = Duration.ofMillis(200);
  /** Long enough for a send in progress (bounded by the call timeout) to finish in the usual case. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final AlertSource source;
  private final Deliverer deliverer;
  private final Digests digests;
  private final IncidentOrder order = new IncidentOrder();
  private final int workers;
  private final int maxInFlight;
  private final Backoff problemRetry;
  private final Backoff okRetry;
  private final Backoff finishRetry;
  private final Clock clock;
  private final MeterRegistry registry;
  private final IncidentGate gate;
  private final DelayQueue<Attempt> retries = new DelayQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong seq = new AtomicLong();
  private final ReentrantLock takeLock = new ReentrantLock();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ThrottledLog sourceErrors = new ThrottledLog(log, Duration.ofSeconds(10));
  private final ThrottledLog deadLetters = new ThrottledLog(log, Duration.ofSeconds(5));
  private volatile ThreadPoolExecutor pool;
  private volatile ScheduledExecutorService ticker;

  public Dispatcher(SenderConfig config, AlertSource source, List<Channel> channels, ReceiverDirectory receivers,
      MessageFormatter formatter, DeliveryClaims claimStore, Clock clock, MeterRegistry registry) {
    this(config, source, channels, receivers, formatter, claimStore, clock, registry, IncidentGate.open());
  }

  /** @param gate asked once per event before anyone is told (silences; docs/ALERTING.md) */
  public Dispatcher(SenderConfig config, AlertSource source, List<Channel> channels, ReceiverDirectory receivers,
      MessageFormatter formatter, DeliveryClaims claimStore, Clock clock, MeterRegistry registry, IncidentGate gate) {
    this.gate = gate;
    this.source = source;
    this.clock = clock;
    this.registry = registry;
    // a lease outlives one send (call timeout) with room; a sender that died holding it blocks nobody for long
    Duration lease = config.callTimeout().multipliedBy(3).plusSeconds(5);
    Claims claims = new Claims(claimStore, lease, config.deliveryClaimTtl());
    this.digests = new Digests(clock, config.mergeWindow(), config.mergeGroupBy(), config.digestLines(), formatter,
        claims, registry, this::runNow, gate);
    this.deliverer = new Deliverer(channels, receivers, formatter, claims, digests,
        new RateLimiter(config.rateLimit(), config.rateLimitPeriod(), clock), config.mergeFromPriority(), registry,
        gate);
    this.workers = config.workers();
    this.maxInFlight = config.maxInFlight();
    Backoff base = Backoff.exponential(config.retryBackoff(), config.retryBackoffMax());
    this.problemRetry = base.withDeadline(config.retryDeadline());
    this.okRetry = base.withDeadline(config.retryDeadlineOk());
    this.finishRetry = Backoff.exponential(SOURCE_ERROR_FIRST_WAIT, SOURCE_ERROR_MAX_WAIT);
    registry.gauge("sender.in_flight", inFlight);
    registry.gauge("sender.retry_queue.size", retries, DelayQueue::size);
    registry.gauge("sender.incident.held", order, IncidentOrder::held);
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
    ticker = NamedExecutors.scheduled("sender-digests");
    ticker.scheduleWithFixedDelay(this::flushDigests, DIGEST_TICK.toMillis(), DIGEST_TICK.toMillis(),
        TimeUnit.MILLISECONDS);
    log.info("sender: {} workers delivering; retries {} (PROBLEM), {} (OK)", workers, problemRetry, okRetry);
  }

  /** True while the workers run; feeds /health. */
  public boolean running() {
    return running.get() && pool != null && !pool.isShutdown();
  }

  /** Events taken and not yet acknowledged or dead-lettered. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Sends every digest whose window is over (the ticker does this every 200 ms; tests with a clock call it). */
  public int flushDigests() {
    try {
      return digests.flushDue();
    } catch (RuntimeException e) {
      sourceErrors.warn("sender: digest flush hit an unexpected error: {}", e.toString(), e);
      return 0;
    }
  }

  private void runNow(Attempt a) {
    a.dueIn(0);
    retries.add(a);
  }

  private void work() {
    Duration sourceWait = SOURCE_ERROR_FIRST_WAIT;
    while (running.get()) {
      try {
        Attempt a = retries.poll();
        if (a == null && inFlight.get() >= maxInFlight) {
          a = retries.poll(IDLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } else if (a == null) {
          boolean took;
          try {
            // take and register under one lock: two events of one incident are admitted in the order taken
            takeLock.lock();
            try {
              AlertSource.Delivery d = source.take(Duration.ZERO);
              took = d != null;
              if (took) {
                inFlight.incrementAndGet();
                Attempt fresh = new Attempt(d, clock, seq.incrementAndGet());
                if (order.admit(fresh)) {
                  a = fresh;
                } else {
                  registry.counter("sender.held", "reason", "order").increment();
                }
              }
            } finally {
              takeLock.unlock();
            }
            sourceWait = SOURCE_ERROR_FIRST_WAIT;
            if (!took) {
              a = retries.poll(IDLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
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
    if (a.attempts == 0 && !a.fromDigest && !a.delivered && a.deadReason == null && !gate(a)) {
      finish(a);
      return;
    }
    if (!a.delivered && a.deadReason == null) {
      Deliverer.Result r;
      if (a.fromDigest) {
        a.fromDigest = false;
        r = !a.errors.isEmpty() ? Deliverer.Result.RETRY : null;
      } else {
        r = null;
      }
      if (r == null) {
        a.attempts++;
        r = deliverer.attempt(a);
      }
      switch (r) {
        case DONE -> a.delivered = true;
        case PARKED -> {
          return;
        }
        case REJECTED -> a.deadReason = "refused, not retried: " + a.errorSummary();
        case RETRY -> {
          Duration elapsed = Duration.between(a.takenAt, clock.instant());
          Optional<Duration> wait = (a.event().isProblem() ? problemRetry : okRetry).next(a.attempts, elapsed);
          if (wait.isEmpty()) {
            a.deadReason = "gave up after " + elapsed.toSeconds() + " s (" + a.attempts + " attempts): "
                + a.errorSummary();
          } else if (!a.rejected.isEmpty() && a.errors.isEmpty()) {
            a.deadReason = "refused, not retried: " + a.errorSummary();
          } else {
            registry.counter("sender.retried").increment();
            a.dueIn(wait.get().toMillis());
            retries.add(a);
            return;
          }
        }
      }
    }
    finish(a);
  }

  /** False when the event is not to be told (it is then acknowledged as delivered); else adds the gate's remark. */
  private boolean gate(Attempt a) {
    IncidentGate.Verdict v;
    try {
      v = gate.check(a.event());
    } catch (RuntimeException e) {
      // a bug in the gate must not keep an alert from being told
      sourceErrors.warn("sender: incident check of event {} failed, telling it: {}", a.event().id(), e.toString(), e);
      return true;
    }
    if (!v.tell()) {
      registry.counter("sender.suppressed", "reason", v.reason()).increment();
      a.delivered = true;
      return false;
    }
    if (!v.remark().isEmpty()) {
      a.remark = a.remark.isEmpty() ? v.remark() : a.remark + "; " + v.remark();
    }
    a.ackLink = v.link();
    return true;
  }

  private void finish(Attempt a) {
    try {
      if (a.delivered) {
        source.ack(a.delivery);
        registry.counter("sender.acked").increment();
      } else {
        source.deadLetter(a.delivery, a.deadReason);
        registry.counter("sender.dead_lettered", "reason", a.deadReason.startsWith("refused")
            ? "refused" : "deadline").increment();
        deadLetters.warn("sender: event {} dead-lettered: {}", a.event().id(), a.deadReason);
      }
    } catch (AlertQueueException | RuntimeException e) {
      String op = a.delivered ? "ack" : "dead_letter";
      registry.counter("sender.source.errors", "op", op).increment();
      sourceErrors.warn("sender: {} of event {} failed, will retry: {}", op, a.event().id(), e.getMessage());
      a.finishFailures++;
      a.dueIn(Math.max(50, finishRetry.delay(a.finishFailures).toMillis()));
      retries.add(a);
      return;
    }
    inFlight.decrementAndGet();
    Attempt next = order.settle(a, a.delivered, a.deadReason);
    if (next != null) {
      runNow(next);
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
    NamedExecutors.shutdown(ticker, "sender-digests", Duration.ofSeconds(1));
    NamedExecutors.shutdown(pool, "sender-worker", STOP_GRACE);
    int left = inFlight.get();
    if (left > 0) {
      log.warn("sender: stopped with {} events unfinished ({} waiting for a retry, {} digests not yet sent); a Redis "
          + "source delivers them again at the next start, an in-process queue loses them", left, retries.size(),
          digests.size());
    }
  }
}
