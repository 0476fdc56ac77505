package io.peregrine.judge.eval;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history of every watched series (one that some strategy or expression applies to), in a {@link SeriesTable} keyed by the series hash and bytes. A
 * series that received nothing for {@link #STALE_AFTER} is forgotten with its dedup state, as Open-Falcon's judge
 * does for old items: without it, every pod that ever lived would stay in memory.
 */
public final class HistoryStore implements Component {
  /** A day: longer than any outage worth remembering a PROBLEM across, short enough for pod churn. */
  public static final Duration STALE_AFTER = Duration.ofHours(24);
  private static final Duration SWEEP_EVERY = Duration.ofMinutes(10);
  private static final Logger log = LoggerFactory.getLogger(HistoryStore.class);

  private final int capacity;
  private final Clock clock;
  private final SeriesTable series = new SeriesTable();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ScheduledExecutorService sweeper;

  public HistoryStore(int capacity, Clock clock, MeterRegistry registry) {
    this.capacity = capacity;
    this.clock = clock;
    Gauge.builder("judge.series", series, SeriesTable::size)
        .description("series whose history the judge keeps").register(registry);
  }

  @Override
  public String name() {
    return "judge-history";
  }

  @Override
  public void start() {
    sweeper = NamedExecutors.scheduled("judge-history-sweep");
    sweeper.scheduleWithFixedDelay(this::sweepSafely, SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The viewed sample's series, or null; no lock, no allocation. */
  SeriesState get(SampleView v) {
    return series.get(v);
  }

  /** See {@link SeriesTable#prefetch}. */
  void prefetch(SampleView[] views, boolean[] valid, int n) {
    series.prefetch(views, valid, n);
  }

  /**
   * The viewed sample's series (canonical tags), created when new with the rules matched for it (so its history
   * is allocated with it, next to it in memory).
   */
  SeriesState getOrCreate(SampleView v, Rule[] rules, Object rulesSource) {
    SeriesState s = series.get(v);
    if (s != null) {
      return s;
    }
    SeriesState fresh = new SeriesState(v, capacity);
    fresh.matched(rules, rulesSource);
    return series.putIfAbsent(fresh);
  }

  /** The series {@code endpoint/metric/tags} (canonical), created when new. */
  SeriesState getOrCreate(String endpoint, String metric, String tags) {
    return series.putIfAbsent(new SeriesState(endpoint, metric, tags, capacity));
  }

  /** For tests: the series of {@code endpoint/metric/tags}. */
  SeriesState getOrCreate(String key, boolean untagged) {
    String[] parts = key.split("/", 3);
    return getOrCreate(parts[0], parts[1], parts.length > 2 ? parts[2] : "");
  }

  /** False once the sweep forgot this series (a new sample makes a new state object). */
  boolean isCurrent(SeriesState state) {
    return series.find(state) == state;
  }

  /** @param tags canonical */
  public Optional<HistorySnapshot> snapshot(String endpoint, String metric, String tags) {
    SeriesState s = series.find(new SeriesState(endpoint, metric, tags, 1));
    if (s == null) {
      return Optional.empty();
    }
    synchronized (s) {
      if (!s.watchedByRules() && s.rawPoints().isEmpty()) {
        return Optional.empty(); // known unwatched: nothing kept
      }
      return Optional.of(new HistorySnapshot(s.key(), s.counterType().name(), s.rawPoints()));
    }
  }

  public int size() {
    return series.size();
  }

  /** Slots of the series table (in use and free), for the memory estimate of the bench. */
  public int tableCapacity() {
    return series.capacity();
  }

  /**
   * Forgets series idle for longer than {@link #STALE_AFTER}. A sample racing with the removal of its series may land
   * in the removed object and be lost to history; that takes a series silent for a day, so it is not worth a lock.
   */
  int sweep() {
    long cutoff = clock.millis() - STALE_AFTER.toMillis();
    return series.removeIf(s -> s.lastReceiptMillis() < cutoff);
  }

  private void sweepSafely() {
    try {
      int removed = sweep();
      if (removed > 0) {
        log.info("judge: forgot {} series idle for more than {} h; {} remain", removed, STALE_AFTER.toHours(),
            series.size());
      }
    } catch (RuntimeException e) {
      log.warn("judge: history sweep failed; next try in {} min", SWEEP_EVERY.toMinutes(), e);
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || sweeper == null) {
      return;
    }
    NamedExecutors.shutdown(sweeper, name(), Duration.ofSeconds(2));
  }
}
