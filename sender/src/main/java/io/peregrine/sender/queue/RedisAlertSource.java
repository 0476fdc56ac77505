package io.peregrine.sender.queue;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.event.AlertSource;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.sender.claim.DeliveryClaims;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert events from Open-Falcon's Redis queues with at-least-once delivery (key layout in {@link RedisKeys}).
 *
 * <ul>
 *   <li>take: one Lua script pops up to {@code batch} of the oldest events, most urgent queue first, and pushes
 *       them onto this consumer's processing list, atomically, in one round trip; they are handed out one by one,
 *       in that order, before the next batch is taken (so a newer P0 waits at most one batch). When every queue is
 *       empty it polls again every {@value #POLL_MILLIS} ms until the wait is over (Lua cannot block, and BRPOP
 *       cannot move atomically from seven lists). An event taken but not handed out when the sender stops is on
 *       the processing list like any other and comes back at the next start.
 *   <li>ack: LREM from the processing list. deadLetter: LPUSH a wrapper onto the dead list and LREM, in one script.
 *   <li>start: whatever the processing list still holds (a previous run crashed or stopped before acknowledging) goes
 *       back to the end of its queue that is taken next, oldest first, so it is delivered again before newer events.
 *   <li>text that is not an alert event is dead-lettered with the parser's reason, never dropped.
 * </ul>
 * Redis down at start or later: calls fail with an {@link AlertQueueException} naming the server (counted on
 * {@code sender_redis_errors_total}, logged throttled) and reconnection backs off up to 30 s; events stay in Redis.
 */
public final class RedisAlertSource implements AlertSource, DeadLetters, Component {
  private static final Logger log = LoggerFactory.getLogger(RedisAlertSource.class);
  static final long POLL_MILLIS = 100;
  /** Events taken per round trip: enough to amortise it at thousands per second, few enough to keep urgency. */
  public static final int DEFAULT_BATCH = 64;

  private final RedisKeys keys;
  private final String consumerId;
  private final int deadLetterCapacity;
  private final MeterRegistry registry;
  private final Clock clock;
  private final RedisConnector redis;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String[] takeKeys;
  private final int batch;
  /** Events of the last batch not handed out yet, oldest first: on the processing list already. */
  private final java.util.ArrayDeque<Object[]> taken = new java.util.ArrayDeque<>();

  /**
   * @param consumerId names this sender's processing list; senders sharing one Redis need different ones
   * @param deadLetterCapacity dead letters kept; the oldest beyond it are trimmed, counted and logged
   */
  public RedisAlertSource(String redisUrl, String keyPrefix, String consumerId, int deadLetterCapacity,
      MeterRegistry registry, Clock clock) {
    this(redisUrl, keyPrefix, consumerId, deadLetterCapacity, DEFAULT_BATCH, registry, clock);
  }

  /** @param batch the most events one take moves from the queues to the processing list (one round trip) */
  public RedisAlertSource(String redisUrl, String keyPrefix, String consumerId, int deadLetterCapacity, int batch,
      MeterRegistry registry, Clock clock) {
    if (consumerId == null || consumerId.isBlank()) {
      throw new IllegalArgumentException("consumerId must not be empty");
    }
    this.keys = new RedisKeys(keyPrefix == null ? "" : keyPrefix, consumerId);
    this.consumerId = consumerId;
    this.takeKeys = keys.takeKeys();
    this.batch = Math.max(1, batch);
    this.deadLetterCapacity = deadLetterCapacity;
    this.registry = registry;
    this.clock = clock;
    this.redis = new RedisConnector(redisUrl, this::recover, registry);
  }

  @Override
  public String name() {
    return "sender-redis";
  }

  /** Delivery claims on this source's Redis connection, under the same prefix. */
  public DeliveryClaims claims() {
    return new RedisDeliveryClaims(redis, keys.prefix(), consumerId + "@" + java.util.UUID.randomUUID());
  }

  /** Incidents (acknowledgements) on this source's Redis connection, under the same prefix. */
  public io.peregrine.sender.lifecycle.IncidentStore incidents(Duration ttl) {
    return new RedisIncidentStore(redis, keys.prefix(), ttl);
  }

  /** Escalations on this source's Redis connection, under the same prefix (docs/ALERTING.md). */
  public io.peregrine.sender.lifecycle.EscalationStore escalations(Duration ttl) {
    return new RedisEscalationStore(redis, keys.prefix(), ttl);
  }

  /** Connects and recovers the previous run's events; when Redis is down this only logs, and calls retry later. */
  @Override
  public void start() {
    redis.start();
  }

  @Override
  public Delivery take(Duration wait) throws InterruptedException, AlertQueueException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Delivery d = next();
      if (d != null) {
        return d;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
    }
  }

  /** The next taken event: from the batch in hand, else from a new batch (one round trip); null when none. */
  private Delivery next() throws AlertQueueException {
    synchronized (taken) {
      while (true) {
        if (taken.isEmpty() && !fill()) {
          return null;
        }
        Object[] t = taken.poll();
        int priority = (Integer) t[0];
        String raw = (String) t[1];
        try {
          return new Delivery(AlertEventJson.read(raw), raw);
        } catch (IllegalArgumentException e) {
          log.warn("sender: {} held text that is not an alert event; dead-lettered: {}", keys.queue(priority),
              e.getMessage());
          deadLetterRaw(raw, priority, e.getMessage());
          registry.counter("sender.dead_lettered", "reason", "invalid_event").increment();
        }
      }
    }
  }

  private boolean fill() throws AlertQueueException {
    List<Object> got = redis.call("take", r -> RedisConnector.eval(r, RedisScripts.TAKE, ScriptOutputType.MULTI,
        takeKeys, String.valueOf(batch)));
    if (got == null || got.isEmpty()) {
      return false;
    }
    for (int i = 0; i + 1 < got.size(); i += 2) {
      int priority = ((Number) got.get(i)).intValue();
      taken.add(new Object[] {priority, String.valueOf(got.get(i + 1))});
      registry.counter("sender.events.taken", "priority", "p" + priority).increment();
    }
    return true;
  }

  @Override
  public void ack(Delivery delivery) throws AlertQueueException {
    // from the tail: the oldest taken sit there, and events are mostly acknowledged in the order taken
    redis.call("ack", r -> r.lrem(keys.processing(), -1, delivery.raw()));
  }

  @Override
  public void deadLetter(Delivery delivery, String reason) throws AlertQueueException {
    // counted by the caller, which knows why it gave up
    deadLetterRaw(delivery.raw(), DeadLetterJson.priorityOf(delivery.raw()), reason);
  }

  private void deadLetterRaw(String raw, int priority, String reason) throws AlertQueueException {
    String wrapper = DeadLetterJson.wrap(raw, reason, priority, consumerId, clock.instant());
    Long trimmed = redis.call("dead_letter", r -> RedisConnector.eval(r, RedisScripts.DEAD_LETTER,
        ScriptOutputType.INTEGER, new String[] {keys.dead(), keys.processing()}, wrapper, raw,
        String.valueOf(deadLetterCapacity)));
    if (trimmed != null && trimmed > 0) {
      registry.counter("sender.dead_letters.trimmed").increment(trimmed);
      log.warn("sender: dead list {} is over its capacity of {}; dropped the {} oldest dead letters",
          keys.dead(), deadLetterCapacity, trimmed);
    }
  }

  /**
   * Puts the previous run's unacknowledged events back, newest first onto the taken end, so the oldest is taken
   * first; runs on the first connection, before any take.
   */
  private void recover(RedisCommands<String, String> r) {
    int requeued = 0;
    int invalid = 0;
    // bounded: only another sender wrongly sharing this consumer id could keep the list changing under us
    for (long budget = r.llen(keys.processing()) * 2 + 16; budget > 0; budget--) {
      String raw = r.lindex(keys.processing(), 0);
      if (raw == null) {
        break;
      }
      int priority = DeadLetterJson.priorityOf(raw);
      if (priority < 0) {
        String wrapper = DeadLetterJson.wrap(raw, "not an alert event (found on restart)", -1, consumerId,
            clock.instant());
        RedisConnector.eval(r, RedisScripts.DEAD_LETTER, ScriptOutputType.INTEGER,
            new String[] {keys.dead(), keys.processing()}, wrapper, raw, String.valueOf(deadLetterCapacity));
        registry.counter("sender.dead_lettered", "reason", "invalid_event").increment();
        invalid++;
        continue;
      }
      Long moved = RedisConnector.eval(r, RedisScripts.REQUEUE, ScriptOutputType.INTEGER,
          new String[] {keys.processing(), keys.queue(priority)}, raw);
      if (moved == null || moved == 0) {
        // someone else changed the list under us (a second sender with this consumer id): read it again
        continue;
      }
      requeued++;
    }
    registry.counter("sender.events.redelivered").increment(requeued);
    if (requeued > 0 || invalid > 0) {
      log.info("sender: {} events left unacknowledged by a previous run went back to their queues ({} invalid "
          + "ones dead-lettered) from {}", requeued, invalid, keys.processing());
    }
  }

  /** The newest first, at most {@code max} (and at most 1,000). */
  @Override
  public List<String> list(int max) throws AlertQueueException {
    int n = Math.max(0, Math.min(max, 1_000));
    if (n == 0) {
      return List.of();
    }
    return redis.call("dead_list", r -> r.lrange(keys.dead(), 0, n - 1));
  }

  @Override
  public int replayAll() throws AlertQueueException {
    List<String> all = new ArrayList<>(redis.call("dead_list",
        r -> r.lrange(keys.dead(), 0, deadLetterCapacity - 1L)));
    Collections.reverse(all); // oldest first, so they queue up in the order they failed
    int moved = 0;
    int skipped = 0;
    for (String wrapper : all) {
      DeadLetterJson.Replayable e = DeadLetterJson.unwrap(wrapper);
      if (e == null) {
        skipped++;
        continue;
      }
      Long ok = redis.call("replay", r -> RedisConnector.eval(r, RedisScripts.REPLAY, ScriptOutputType.INTEGER,
          new String[] {keys.dead(), keys.queue(e.priority())}, wrapper, e.event()));
      if (ok != null && ok == 1) {
        moved++;
      }
    }
    registry.counter("sender.dead_letters.replayed").increment(moved);
    log.info("sender: replayed {} dead letters from {} ({} that are not events stayed)", moved, keys.dead(),
        skipped);
    return moved;
  }

  @Override
  public java.util.Optional<String> find(String id) throws AlertQueueException {
    return all().stream().filter(w -> DeadLetters.idOf(w).equals(id)).findFirst();
  }

  @Override
  public boolean replay(String id) throws AlertQueueException {
    java.util.Optional<String> w = find(id);
    if (w.isEmpty()) {
      return false;
    }
    DeadLetterJson.Replayable e = DeadLetterJson.unwrap(w.get());
    if (e == null) {
      return false;
    }
    Long ok = redis.call("replay", r -> RedisConnector.eval(r, RedisScripts.REPLAY, ScriptOutputType.INTEGER,
        new String[] {keys.dead(), keys.queue(e.priority())}, w.get(), e.event()));
    boolean moved = ok != null && ok == 1;
    if (moved) {
      registry.counter("sender.dead_letters.replayed").increment();
      log.info("sender: replayed dead letter {} from {}", id, keys.dead());
    }
    return moved;
  }

  @Override
  public boolean drop(String id) throws AlertQueueException {
    java.util.Optional<String> w = find(id);
    if (w.isEmpty()) {
      return false;
    }
    Long n = redis.call("dead_drop", r -> r.lrem(keys.dead(), 1, w.get()));
    boolean dropped = n != null && n > 0;
    if (dropped) {
      registry.counter("sender.dead_letters.dropped").increment();
      log.info("sender: dropped dead letter {} from {}", id, keys.dead());
    }
    return dropped;
  }

  @Override
  public int dropAll() throws AlertQueueException {
    Long n = redis.call("dead_drop", r -> r.llen(keys.dead()));
    redis.call("dead_drop", r -> r.del(keys.dead()));
    int dropped = n == null ? 0 : n.intValue();
    registry.counter("sender.dead_letters.dropped").increment(dropped);
    log.info("sender: dropped all {} dead letters from {}", dropped, keys.dead());
    return dropped;
  }

  private List<String> all() throws AlertQueueException {
    return redis.call("dead_list", r -> r.lrange(keys.dead(), 0, deadLetterCapacity - 1L));
  }

  /** The processing list of this consumer; for operators and tests. */
  public String processingKey() {
    return keys.processing();
  }

  public String deadKey() {
    return keys.dead();
  }

  /** The server without credentials. */
  public String where() {
    return redis.where();
  }

  @Override
  public boolean healthy() {
    return !closed.get() && redis.healthy();
  }

  /** Stops; events taken and not acknowledged stay on the processing list and come back at the next start. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    redis.close();
  }
}
