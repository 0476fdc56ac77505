package io.peregrine.hbs.grpc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.hbs.store.Database;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats of known hosts, written in batches: each heartbeat replaces its host's pending row (one per host, so
 * the backlog is bounded by the fleet), and every {@link #FLUSH_EVERY} (sooner once {@link #FLUSH_AT} hosts wait)
 * one transaction writes them all with a JDBC batch UPDATE by primary key. A heartbeat thus costs no SQL of its own;
 * {@code host.update_at} lags by at most a flush. A failed flush keeps the rows (unless a newer heartbeat replaced
 * them) for the next one. Close writes what is pending.
 */
public final class HeartbeatWriter implements Component {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatWriter.class);
  static final Duration FLUSH_EVERY = Duration.ofSeconds(1);
  static final int FLUSH_AT = 2_000;
  /** Rows per JDBC batch inside the flush transaction. */
  private static final int CHUNK = 1_000;

  record Pending(long hostId, String ip, String agentVersion, String pluginVersion, Instant at) {
  }

  private final Database db;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean flushQueued = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Timer flushTime;
  private final Counter written;
  private final Counter failures;
  private volatile ScheduledExecutorService executor;

  public HeartbeatWriter(Database db, MeterRegistry registry) {
    this.db = db;
    this.flushTime = Timer.builder("hbs.heartbeat.flush").description("time to write one batch of heartbeats")
        .register(registry);
    this.written = Counter.builder("hbs.heartbeat.rows.written").description("host rows updated by batched heartbeats")
        .register(registry);
    this.failures = Counter.builder("hbs.heartbeat.flush.failures")
        .description("heartbeat batches that failed (their rows wait for the next flush)").register(registry);
    Gauge.builder("hbs.heartbeat.pending", pending, Map::size).description("hosts whose heartbeat awaits a flush")
        .register(registry);
  }

  @Override
  public String name() {
    return "hbs-heartbeat-writer";
  }

  @Override
  public void start() {
    executor = NamedExecutors.scheduled("hbs-heartbeat-flush");
    executor.scheduleWithFixedDelay(this::flushQuietly, FLUSH_EVERY.toMillis(), FLUSH_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    log.info("hbs-heartbeat-writer: known hosts' heartbeats are written every {} ms (or at {} waiting)",
        FLUSH_EVERY.toMillis(), FLUSH_AT);
  }

  void add(Pending p) {
    pending.put(p.hostId(), p);
    if (pending.size() >= FLUSH_AT && flushQueued.compareAndSet(false, true)) {
      ScheduledExecutorService ex = executor;
      try {
        if (ex != null) {
          ex.execute(() -> {
            flushQueued.set(false);
            flushQuietly();
          });
        }
      } catch (RejectedExecutionException e) {
        flushQueued.set(false); // closing: close() flushes
      }
    }
  }

  /** Writes what is pending now, on the caller's thread; returns the rows written. */
  public int flush() {
    List<Pending> batch = new ArrayList<>(pending.size());
    for (Pending p : pending.values()) {
      if (pending.remove(p.hostId(), p)) {
        batch.add(p);
      }
    }
    if (batch.isEmpty()) {
      return 0;
    }
    long t0 = System.nanoTime();
    try {
      db.tx(h -> {
        for (int from = 0; from < batch.size(); from += CHUNK) {
          PreparedBatch b = h.prepareBatch("UPDATE host SET ip = :ip, agent_version = :av, plugin_version = :pv, "
              + "update_at = :at WHERE id = :id");
          for (Pending p : batch.subList(from, Math.min(batch.size(), from + CHUNK))) {
            b.bind("ip", p.ip()).bind("av", p.agentVersion()).bind("pv", p.pluginVersion())
                .bind("at", Timestamp.from(p.at())).bind("id", p.hostId()).add();
          }
          b.execute();
        }
        return null;
      });
    } catch (RuntimeException e) {
      batch.forEach(p -> pending.putIfAbsent(p.hostId(), p)); // a newer heartbeat wins over a failed one
      throw e;
    } finally {
      flushTime.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }
    written.increment(batch.size());
    return batch.size();
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      failures.increment();
      log.warn("hbs-heartbeat-writer: writing {} heartbeats failed; retrying at the next flush: {}", pending.size(),
          e.toString());
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || executor == null) {
      return;
    }
    NamedExecutors.shutdown(executor, "hbs-heartbeat-flush", Duration.ofSeconds(5));
    flushQuietly();
  }
}
