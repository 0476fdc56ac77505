package io.peregrine.hbs.resolve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.hbs.store.ConfigVersion;
import io.peregrine.hbs.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the current {@link ResolvedSet}: built once at start (a failure there fails the start), rebuilt at once
 * when a write of this hbs asks for it, and otherwise checked every {@code every}: the check reads the
 * {@code config_version} counter (one primary-key read) and rebuilds only when the counter moved (an import, another
 * hbs's write, a hand edit that bumped it), when a maintenance window started or ended since the last build (the
 * set depends on the clock; a one-shot check is also scheduled at the next such second, so a window takes effect
 * on time rather than at the next tick), after a failed rebuild, or when the last build is older than
 * {@code fullEvery} (a safety net for hand edits in SQL that did not bump the counter). Otherwise the check is
 * skipped and counted: at 100,000 hosts a rebuild costs seconds of a core, a check microseconds.
 *
 * <p>All checks and rebuilds run on one thread, so they never overlap; write requests that arrive while one is
 * pending fold into it. A failed rebuild keeps the previous set, is counted and logged.
 */
public final class ConfigRefresher implements Component {
  private static final Logger log = LoggerFactory.getLogger(ConfigRefresher.class);

  /** Why a rebuild ran (the {@code reason} tag of {@code hbs_config_rebuilds_total}). */
  enum Reason { START, WRITE, CHANGED, MAINTENANCE, FULL, RETRY }

  private final Database db;
  private final Clock clock;
  private final Duration every;
  private final Duration fullEvery;
  private final AtomicReference<ResolvedSet> current = new AtomicReference<>();
  private final List<String> trustedIps;
  private volatile HostDirectory directory = HostDirectory.empty();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Counter failures;
  private final Counter skipped;
  private final Map<Reason, Counter> rebuilds = new EnumMap<>(Reason.class);
  private final Timer duration;
  private volatile ScheduledExecutorService executor;
  // the fields below are touched only on the refresh thread
  private long builtVersion = -1;
  private long nextBoundary = MaintenanceBoundary.NONE;
  private long lastBuildMillis;
  private boolean stale;
  private ScheduledFuture<?> boundaryCheck;
  private long boundaryScheduled = MaintenanceBoundary.NONE;

  public ConfigRefresher(Database db, Clock clock, Duration every, List<String> trustedIps,
      MeterRegistry registry) {
    this(db, clock, every, Duration.ofDays(3650), trustedIps, registry);
  }

  /** @param fullEvery the longest a set is kept without a rebuild, changes or not */
  public ConfigRefresher(Database db, Clock clock, Duration every, Duration fullEvery, List<String> trustedIps,
      MeterRegistry registry) {
    this.trustedIps = List.copyOf(trustedIps);
    this.db = db;
    this.clock = clock;
    this.every = every;
    this.fullEvery = fullEvery;
    this.failures = Counter.builder("hbs.config.refresh.failures")
        .description("strategy set rebuilds that failed (the previous set stays in use)").register(registry);
    this.skipped = Counter.builder("hbs.config.refresh.skipped")
        .description("periodic checks that found nothing changed and rebuilt nothing").register(registry);
    for (Reason r : Reason.values()) {
      rebuilds.put(r, Counter.builder("hbs.config.rebuilds").tag("reason", r.name().toLowerCase(Locale.ROOT))
          .description("strategy set rebuilds, by why they ran").register(registry));
    }
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
  public void start() throws Exception {
    executor = NamedExecutors.scheduled("hbs-refresh");
    try {
      executor.submit(() -> rebuild(Reason.START)).get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    executor.scheduleWithFixedDelay(this::checkQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The set in use; never null after start. */
  public ResolvedSet current() {
    return current.get();
  }

  /** Hosts, groups and the cached agent configs of the current set; never null. */
  public HostDirectory directory() {
    return directory;
  }

  /**
   * A write of this hbs changed the configuration: bumps {@code config_version} now, on the caller's thread (so
   * other hbs instances, and versioned answers such as GetHostLiveness, see it as soon as the write is answered),
   * and rebuilds soon on the refresh thread; returns without waiting for the rebuild.
   */
  public void requestRefresh() {
    try {
      db.tx(h -> {
        ConfigVersion.bump(h);
        return null;
      });
    } catch (RuntimeException e) {
      log.warn("hbs: could not bump config_version after a write (the rebuild still runs): {}", e.toString());
    }
    ScheduledExecutorService ex = executor;
    if (ex == null || !pending.compareAndSet(false, true)) {
      return;
    }
    try {
      ex.execute(() -> {
        pending.set(false);
        try {
          rebuild(Reason.WRITE);
        } catch (RuntimeException e) {
          failed(e);
        }
      });
    } catch (RejectedExecutionException e) {
      pending.set(false); // closing: nobody will read the set any more
    }
  }

  /** Rebuilds on the refresh thread and waits for it; for tests and callers that must see their own write. */
  public ResolvedSet refreshNow() throws ExecutionException, InterruptedException {
    executor.submit(() -> rebuild(Reason.WRITE)).get();
    return current.get();
  }

  /** Runs the periodic check now on the refresh thread and waits; true when it rebuilt. For tests. */
  public boolean checkNow() throws ExecutionException, InterruptedException {
    return executor.submit(this::check).get();
  }

  private void checkQuietly() {
    try {
      check();
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  private boolean check() {
    Reason reason = reasonToRebuild();
    if (reason == null) {
      skipped.increment();
      scheduleBoundaryCheck();
      return false;
    }
    rebuild(reason);
    return true;
  }

  private Reason reasonToRebuild() {
    if (stale) {
      return Reason.RETRY;
    }
    if (clock.instant().getEpochSecond() >= nextBoundary) {
      return Reason.MAINTENANCE;
    }
    if (clock.millis() - lastBuildMillis >= fullEvery.toMillis()) {
      return Reason.FULL;
    }
    return db.tx(ConfigVersion::read) != builtVersion ? Reason.CHANGED : null;
  }

  private void failed(RuntimeException e) {
    stale = true; // the next check rebuilds even if the counter did not move
    failures.increment();
    log.warn("hbs: rebuilding the strategy set failed; keeping version {}: {}",
        current.get() == null ? 0 : current.get().version(), e.toString());
  }

  private void rebuild(Reason reason) {
    long t0 = System.nanoTime();
    HostDirectory[] graph = new HostDirectory[1];
    long[] version = new long[1];
    ConfigRows rows = db.tx(h -> {
      version[0] = ConfigVersion.read(h); // first: every write that bumped up to here is in the rows below
      graph[0] = HostDirectory.read(h);
      return ConfigRows.read(h);
    });
    long now = clock.instant().getEpochSecond();
    ResolvedSet next = SetBuilder.build(rows, now);
    ResolvedSet previous = current.getAndSet(next);
    directory = graph[0].with(next.tree(), next.version(), trustedIps);
    builtVersion = version[0];
    nextBoundary = MaintenanceBoundary.next(rows.hosts(), now);
    lastBuildMillis = clock.millis();
    stale = false;
    rebuilds.get(reason).increment();
    duration.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    if (previous == null || previous.version() != next.version()) {
      log.info("hbs: strategy set version {} ({}): {} hosts with strategies, {} strategies, {} expressions, "
              + "{} templates, {} hosts known", next.version(), reason.name().toLowerCase(Locale.ROOT),
          next.set().getHostsCount(), next.strategyCount(), next.set().getExpressionsCount(),
          next.tree().templateCount(), next.hostCount());
    }
    scheduleBoundaryCheck();
  }

  /**
   * When a maintenance window starts or ends before the next periodic check, a one-shot check at that second (the
   * periodic one would apply it up to {@code every} late).
   */
  private void scheduleBoundaryCheck() {
    ScheduledExecutorService ex = executor;
    if (ex == null || nextBoundary == boundaryScheduled && boundaryCheck != null && !boundaryCheck.isDone()) {
      return;
    }
    if (boundaryCheck != null) {
      boundaryCheck.cancel(false);
      boundaryCheck = null;
      boundaryScheduled = MaintenanceBoundary.NONE;
    }
    if (nextBoundary == MaintenanceBoundary.NONE) {
      return;
    }
    long delay = Math.max(0, nextBoundary * 1000 - clock.millis());
    if (delay < every.toMillis()) {
      try {
        boundaryCheck = ex.schedule(() -> {
          boundaryCheck = null; // this check may find itself early by a millisecond and schedule the next one
          boundaryScheduled = MaintenanceBoundary.NONE;
          checkQuietly();
        }, delay, TimeUnit.MILLISECONDS);
        boundaryScheduled = nextBoundary;
      } catch (RejectedExecutionException e) {
        // closing
      }
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
