package io.peregrine.graph.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every sample graph does not store ends here: counted on {@code graph_dropped_samples_total{reason}} and logged at
 * most once per reason every ten seconds, with how many were dropped since the last line and one example.
 */
public final class Drops {
  private static final Logger log = LoggerFactory.getLogger(Drops.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final MeterRegistry registry;
  private final Map<String, Reason> reasons = new ConcurrentHashMap<>();

  public Drops(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String reason, int count, String example) {
    if (count <= 0) {
      return;
    }
    Reason r = reasons.computeIfAbsent(reason, k -> new Reason(Counter.builder("graph_dropped_samples")
        .description("samples graph did not store, by reason").tag("reason", k).register(registry)));
    r.counter.increment(count);
    r.sinceLog.addAndGet(count);
    long now = System.nanoTime();
    long last = r.lastLog.get();
    if (now - last >= LOG_INTERVAL_NANOS && r.lastLog.compareAndSet(last, now)) {
      log.warn("graph: dropped {} samples ({}) since the last report; e.g. {}", r.sinceLog.getAndSet(0), reason,
          example);
    }
  }

  /** The total so far for one reason (0 when none): for tests and the health summary. */
  public long total(String reason) {
    Reason r = reasons.get(reason);
    return r == null ? 0 : (long) r.counter.count();
  }

  private static final class Reason {
    final Counter counter;
    final AtomicLong sinceLog = new AtomicLong();
    final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    Reason(Counter counter) {
      this.counter = counter;
    }
  }
}
