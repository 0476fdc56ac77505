package io.peregrine.hbs.incident;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.hbs.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes incident history older than {@code hbs.incidentRetention}, every {@value #SWEEP_MINUTES} minutes, in
 * chunks of {@value #CHUNK} rows so no transaction holds the table long. Counted:
 * {@code hbs_incident_events_deleted_total}.
 */
public final class IncidentRetention implements Component {
  private static final Logger log = LoggerFactory.getLogger(IncidentRetention.class);
  static final int SWEEP_MINUTES = 10;
  static final int CHUNK = 5_000;

  private final Database db;
  private final Clock clock;
  private final Duration retention;
  private final MeterRegistry registry;
  private final IncidentEventRepository events = new IncidentEventRepository();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ScheduledExecutorService ticker;

  public IncidentRetention(Database db, Clock clock, Duration retention, MeterRegistry registry) {
    this.db = db;
    this.clock = clock;
    this.retention = retention;
    this.registry = registry;
  }

  @Override
  public String name() {
    return "hbs-incident-retention";
  }

  @Override
  public void start() {
    ticker = NamedExecutors.scheduled("hbs-incident-retention");
    ticker.scheduleWithFixedDelay(this::sweepQuietly, SWEEP_MINUTES, SWEEP_MINUTES, TimeUnit.MINUTES);
    log.info("hbs: incident history kept for {}", retention);
  }

  /** Deletes what is older than the retention now; returns how many rows went. */
  public int sweep() {
    long before = clock.millis() - retention.toMillis();
    int total = 0;
    int n;
    do {
      n = db.tx(h -> events.deleteOlderThan(h, before, CHUNK));
      total += n;
    } while (n == CHUNK);
    registry.counter("hbs_incident_events_deleted_total").increment(total);
    return total;
  }

  private void sweepQuietly() {
    try {
      int n = sweep();
      if (n > 0) {
        log.info("hbs: deleted {} incident history entries older than {}", n, retention);
      }
    } catch (RuntimeException e) {
      log.warn("hbs: incident history sweep failed; next try in {} minutes", SWEEP_MINUTES, e);
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || ticker == null) {
      return;
    }
    NamedExecutors.shutdown(ticker, "hbs-incident-retention", Duration.ofSeconds(2));
  }
}
