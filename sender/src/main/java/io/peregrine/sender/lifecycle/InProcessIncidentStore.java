package io.peregrine.sender.lifecycle;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.sender.message.MessageFormatter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Incidents in this process only (all-in-one without Redis): lost at a restart, not shared with another sender.
 * At most {@value #MAX_INCIDENTS} are kept; beyond that the ones idle longest past the TTL go first, then a new
 * incident is not recorded (it is still told, and cannot be acknowledged).
 */
public final class InProcessIncidentStore implements IncidentStore {
  static final int MAX_INCIDENTS = 100_000;

  private record Entry(Incident incident, long touchedMillis) {
  }

  private final Map<String, Entry> incidents = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration ttl;

  public InProcessIncidentStore(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  @Override
  public Optional<Ack> problem(AlertEvent p) {
    long now = clock.millis();
    if (incidents.size() >= MAX_INCIDENTS) {
      incidents.values().removeIf(e -> now - e.touchedMillis() > ttl.toMillis());
    }
    Entry got = incidents.compute(p.id(), (id, old) -> {
      Incident was = live(old, now) ? old.incident() : null;
      if (was == null && incidents.size() >= MAX_INCIDENTS) {
        return null;
      }
      Ack ack = was == null ? null : was.ack();
      if (ack != null && p.currentStep() == 1 && p.eventTime() * 1000 > ack.atMillis()) {
        ack = null;
        was = null;
      }
      long opened = was == null ? p.eventTime() : was.openedAt();
      return new Entry(new Incident(id, opened, p.currentStep(), p.endpoint(), MessageFormatter.metricOf(p),
          MessageFormatter.priorityOf(p), ack), now);
    });
    return got == null ? Optional.empty() : Optional.ofNullable(got.incident().ack());
  }

  @Override
  public Optional<Ack> recovered(String id) {
    Entry e = incidents.remove(id);
    return live(e, clock.millis()) ? Optional.ofNullable(e.incident().ack()) : Optional.empty();
  }

  @Override
  public Optional<Incident> find(String id) {
    Entry e = incidents.get(id);
    return live(e, clock.millis()) ? Optional.of(e.incident()) : Optional.empty();
  }

  @Override
  public AckResult acknowledge(String id, Ack ack) {
    AckResult[] out = new AckResult[1];
    long now = clock.millis();
    incidents.computeIfPresent(id, (k, e) -> {
      if (!live(e, now)) {
        return null;
      }
      Incident i = e.incident();
      if (i.ack() != null) {
        out[0] = new AckResult(AckResult.Outcome.ALREADY, i.ack());
        return e;
      }
      out[0] = new AckResult(AckResult.Outcome.ACKNOWLEDGED, ack);
      return new Entry(new Incident(i.id(), i.openedAt(), i.lastStep(), i.endpoint(), i.metric(), i.priority(), ack),
          e.touchedMillis());
    });
    return out[0] != null ? out[0] : new AckResult(AckResult.Outcome.NOT_OPEN, null);
  }

  private boolean live(Entry e, long now) {
    return e != null && now - e.touchedMillis() <= ttl.toMillis();
  }
}
