package io.peregrine.hbs.resolve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.hbs.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the current {@link ResolvedSet}: built once at start (a failure there fails the start), then rebuilt every
 * {@code every} and whenever a write asks for it. All rebuilds run on one thread, so they never overlap; requests
 * that arrive while one is pending fold into it. A failed rebuild keeps the previous set, is counted and logged.
 */
public final class ConfigRefresher implements Component {
  private static final Logger log = LoggerFactory.getLogger(ConfigRefresher.class);

  private final Database db;
  private final Clock clock;
  private final Duration every;
  private final AtomicReference<ResolvedSet> current = new AtomicReference<>();
  private final List<String> trustedIps;
  private volatile HostDirectory directory = HostDirectory.empty();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Counter failures;
  private final Timer duration;
  private volatile ScheduledExecutorService executor;

  public ConfigRefresher(Database db, Clock clock, Duration every, List<String> trustedIps,
      MeterRegistry registry) {
    this.trustedIps = List.copyOf(trustedIps);
    this.db = db;
    this.clock = clock;
    this.every = every;
    this.failures = Counter.builder("hbs.config.refresh.failures")
        .description("strategy set rebuilds that failed (the previous set stays in use)").register(registry);
    this.duration = Timer.builder("hbs.config.refresh").description("time to rebuild the strategy set")
        .register(registry);
    Gauge.builder("hbs.strategy.set.version", current, r -> r.get() == null ? 0 : r.get().version())
        .description("content hash of the current strategy set").register(registry);
    Gauge.builder("hbs.strategy.set.strategies", current, r -> r.get() == null ? 0 : r.get().strategyCount())
        .description("strategies in the current set, summed over hosts").register(registry);
    Gauge.builder("hbs.strategy.set.hosts", current, r -> r.get() == null ? 0 : r.get().set().getHostsCount())
        .description("hosts with at least one strategy").register(registry);
    Gauge.builder("hbs.strategy.set.expressions", current,
        r -> r.get() == null ? 0 : r.get().set().getExpressionsCount())
        .description("expressions in the current set, paused ones included").register(registry);
    Gauge.builder("hbs.agent.configs.cached", this, r -> r.directory.cachedConfigs())
        .description("agent config answers built for the current set (one per set of groups)").register(registry);
    Gauge.builder("hbs.hosts", current, r -> r.get() == null ? 0 : r.get().hostCount())
        .description("rows in the host table at the last rebuild").register(registry);
  }

  @Override
  public String name() {
    return "hbs-refresher";
  }

  @Override
  public void start() {
    rebuild();
    executor = NamedExecutors.scheduled("hbs-refresh");
    executor.scheduleWithFixedDelay(this::rebuildQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The set in use; never null after start. */
  public ResolvedSet current() {
    return current.get();
  }

  /** Hosts, groups and the cached agent configs of the current set; never null. */
  public HostDirectory directory() {
    return directory;
  }

  /** Asks for a rebuild soon (after a write); returns at once. */
  public void requestRefresh() {
    ScheduledExecutorService ex = executor;
    if (ex == null || !pending.compareAndSet(false, true)) {
      return;
    }
    try {
      ex.execute(() -> {
        pending.set(false);
        rebuildQuietly();
      });
    } catch (RejectedExecutionException e) {
      pending.set(false); // closing: nobody will read the set any more
    }
  }

  /** Rebuilds on the refresh thread and waits for it; for tests and callers that must see their own write. */
  public ResolvedSet refreshNow() throws ExecutionException, InterruptedException {
    executor.submit(this::rebuild).get();
    return current.get();
  }

  private void rebuildQuietly() {
    try {
      rebuild();
    } catch (RuntimeException e) {
      failures.increment();
      log.warn("hbs: rebuilding the strategy set failed; keeping version {}: {}",
          current.get() == null ? 0 : current.get().version(), e.toString());
    }
  }

  private void rebuild() {
    long t0 = System.nanoTime();
    HostDirectory[] graph = new HostDirectory[1];
    ConfigRows rows = db.tx(h -> {
      graph[0] = HostDirectory.read(h);
      return ConfigRows.read(h);
    });
    ResolvedSet next = SetBuilder.build(rows, clock.instant().getEpochSecond());
    ResolvedSet previous = current.getAndSet(next);
    directory = graph[0].with(next.tree(), next.version(), trustedIps);
    duration.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    if (previous == null || previous.version() != next.version()) {
      log.info("hbs: strategy set version {}: {} hosts with strategies, {} strategies, {} expressions, "
              + "{} templates, {} hosts known", next.version(), next.set().getHostsCount(), next.strategyCount(),
          next.set().getExpressionsCount(), next.tree().templateCount(), next.hostCount());
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || executor == null) {
      return;
    }
    NamedExecutors.shutdown(executor, "hbs-refresh", Duration.ofSeconds(5));
  }
}
