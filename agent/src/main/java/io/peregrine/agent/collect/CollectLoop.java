package io.peregrine.agent.collect;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.proto.v1.Sample;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every collector once per interval on one scheduled thread. A CAS flag keeps rounds from overlapping (a slow
 * round delays the next rather than running beside it, and a round asked for while one runs is skipped and counted).
 * All samples of a round share one timestamp. A collector that throws is counted and logged (at most once per
 * collector per 5 minutes); the others still run. Samples the queue refuses (full) are counted as dropped, reason
 * queue_full: collectors do not block, and the next round measures again.
 */
public final class CollectLoop implements Component {
  private static final Logger log = LoggerFactory.getLogger(CollectLoop.class);
  private static final Duration FAILURE_LOG_INTERVAL = Duration.ofMinutes(5);
  /** A round not finished within this many intervals makes /health report the collection as stale. */
  private static final int STALE_INTERVALS = 3;

  private final String name;
  private final List<Collector> collectors;
  private final String endpoint;
  private final Duration interval;
  private final Clock clock;
  private final SampleSink sink;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Map<String, Counter> collected = new HashMap<>();
  private final Map<String, Counter> failures = new HashMap<>();
  private final Map<String, ThrottledLog> failureLogs = new HashMap<>();
  private final Counter queueFull;
  private final Counter invalid;
  private final Counter skipped;
  private volatile long lastRoundNanos = System.nanoTime();
  private ScheduledExecutorService executor;
  private ScheduledFuture<?> task;

  public CollectLoop(List<Collector> collectors, String endpoint, Duration interval, Clock clock,
      SampleSink sink, MeterRegistry registry) {
    this("agent-collect", collectors, endpoint, interval, clock, sink, registry);
  }

  /** Samples to {@code sink} as messages (tests). */
  public CollectLoop(List<Collector> collectors, String endpoint, Duration interval, Clock clock,
      Predicate<Sample> sink, MeterRegistry registry) {
    this(collectors, endpoint, interval, clock, SampleSink.ofSamples(sink), registry);
  }

  /** @param name the thread's and the log lines' name: a second loop runs the checks from hbs */
  public CollectLoop(String name, List<Collector> collectors, String endpoint, Duration interval, Clock clock,
      SampleSink sink, MeterRegistry registry) {
    this.name = name;
    this.collectors = List.copyOf(collectors);
    this.endpoint = endpoint;
    this.interval = interval;
    this.clock = clock;
    this.sink = sink;
    for (Collector c : collectors) {
      collected.put(c.name(), Counter.builder("agent_collected_samples").tag("collector", c.name())
          .description("samples produced by a built-in collector").register(registry));
      failures.put(c.name(), Counter.builder("agent_collector_failures").tag("collector", c.name())
          .description("collector rounds that failed").register(registry));
      failureLogs.put(c.name(), new ThrottledLog(log, FAILURE_LOG_INTERVAL));
    }
    this.queueFull = dropped(registry, "queue_full");
    this.invalid = dropped(registry, "invalid");
    this.skipped = Counter.builder("agent_collect_rounds_skipped")
        .description("rounds skipped because the previous one was still running").register(registry);
  }

  static Counter dropped(MeterRegistry registry, String reason) {
    return Counter.builder("agent_dropped_samples").tag("reason", reason)
        .description("samples that will not reach transfer, by reason").register(registry);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start() {
    executor = NamedExecutors.scheduled(name());
    lastRoundNanos = System.nanoTime();
    task = executor.scheduleAtFixedRate(this::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    log.info("{}: {} collectors {} every {} s as endpoint '{}'", name(), collectors.size(),
        collectors.stream().map(Collector::name).toList(), interval.toSeconds(), endpoint);
  }

  /** One round of every collector; returns false (and does nothing) when a round is already running. */
  public boolean runOnce() {
    if (!running.compareAndSet(false, true)) {
      skipped.increment();
      return false;
    }
    try {
      long timestamp = clock.instant().getEpochSecond();
      int step = (int) interval.toSeconds();
      int refused = 0;
      for (Collector c : collectors) {
        SampleEmitter out = new SampleEmitter(endpoint, timestamp, step, sink);
        try {
          c.collect(out);
        } catch (Exception e) {
          failures.get(c.name()).increment();
          failureLogs.get(c.name()).warn("{}: collector {} failed: {}", name(), c.name(), e.toString(), e);
        } catch (LinkageError e) {
          failures.get(c.name()).increment();
          failureLogs.get(c.name()).warn("{}: collector {} cannot run here: {}", name(), c.name(), e.toString());
        }
        collected.get(c.name()).increment(out.emitted());
        invalid.increment(out.invalid());
        refused += out.refused();
      }
      if (refused > 0) {
        queueFull.increment(refused);
        log.warn("{}: queue full, {} collected samples dropped this round", name(), refused);
      }
      lastRoundNanos = System.nanoTime();
      return true;
    } finally {
      running.set(false);
    }
  }

  /** For /health: a round finished within the last few intervals (or the loop started that recently). */
  public boolean recent() {
    return System.nanoTime() - lastRoundNanos < interval.toNanos() * STALE_INTERVALS;
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || executor == null) {
      return;
    }
    task.cancel(false);
    NamedExecutors.shutdown(executor, name(), Duration.ofSeconds(5));
    log.info("{}: stopped", name());
  }
}
