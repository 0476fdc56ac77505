package io.peregrine.hbs.grpc;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.hbs.incident.IncidentEventRepository;
import io.peregrine.hbs.incident.IncidentEventRules;
import io.peregrine.hbs.store.Database;
import io.peregrine.proto.v1.IncidentEvent;
import io.peregrine.proto.v1.IncidentEventBatch;
import io.peregrine.proto.v1.RecordIncidentEventsResponse;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Hbs.RecordIncidentEvents}: the senders' incident history into SQL, each entry checked alone
 * ({@link IncidentEventRules}); a batch over {@value IncidentEventRules#MAX_BATCH} is refused whole. Counted:
 * {@code hbs_incident_events_total{result=accepted|invalid}}.
 */
public final class IncidentEventsService {
  private static final Logger log = LoggerFactory.getLogger(IncidentEventsService.class);

  /** A batch too large to take. */
  public static final class TooLargeException extends RuntimeException {
    TooLargeException(int size) {
      super(size + " incident events in one call; at most " + IncidentEventRules.MAX_BATCH);
    }
  }

  private final Database db;
  private final MeterRegistry registry;
  private final IncidentEventRepository events = new IncidentEventRepository();

  public IncidentEventsService(Database db, MeterRegistry registry) {
    this.db = db;
    this.registry = registry;
  }

  public RecordIncidentEventsResponse record(IncidentEventBatch batch) {
    if (batch.getEventsCount() > IncidentEventRules.MAX_BATCH) {
      throw new TooLargeException(batch.getEventsCount());
    }
    List<IncidentEvent> ok = new ArrayList<>(batch.getEventsCount());
    int invalid = 0;
    for (IncidentEvent e : batch.getEventsList()) {
      String problem = IncidentEventRules.problem(e);
      if (problem == null) {
        ok.add(e);
      } else {
        invalid++;
        log.debug("hbs: incident event of {} refused: {}", e.getEventId(), problem);
      }
    }
    db.tx(h -> events.insert(h, ok));
    registry.counter("hbs_incident_events_total", "result", "accepted").increment(ok.size());
    registry.counter("hbs_incident_events_total", "result", "invalid").increment(invalid);
    return RecordIncidentEventsResponse.newBuilder().setAccepted(ok.size()).setInvalid(invalid).build();
  }
}
