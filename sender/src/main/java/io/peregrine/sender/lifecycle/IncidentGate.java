package io.peregrine.sender.lifecycle;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.server.ThrottledLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asked once per event before anyone is told (docs/ALERTING.md). The judge still evaluates and still sends its
 * events (its state stays true); only the telling changes:
 * <ul>
 *   <li>every PROBLEM is recorded in the {@link IncidentStore} (so it can be acknowledged), every OK ends it;
 *   <li>a silenced event is not told; when the silence ends on an incident still open, the judge's next repeat
 *       (currentStep + 1, up to maxStep) is told as usual;
 *   <li>a PROBLEM of an acknowledged incident is not told (the repeats stop); its OK is told, saying who
 *       acknowledged it, when and why;
 *   <li>a PROBLEM that is told carries an acknowledgement link when links are configured;
 *   <li>with an {@link Escalator}, a PROBLEM not acknowledged starts its action's escalation, an OK ends it.
 * </ul>
 * When the store cannot be reached the event is told (a missed acknowledgement costs a repeat; a missed alert
 * costs more).
 */
public final class IncidentGate {
  private static final Logger log = LoggerFactory.getLogger(IncidentGate.class);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** What to do with one event: tell it or not (and why not), the remark for the texts, the ack link or "". */
  public record Verdict(boolean tell, String reason, String remark, String link) {
    static Verdict tell(String remark, String link) {
      return new Verdict(true, "", remark, link);
    }

    static Verdict suppress(String reason, String remark) {
      return new Verdict(false, reason, remark, "");
    }
  }

  private final Silences silences;
  private final IncidentStore incidents;
  private final AckLinks links;
  private final Clock clock;
  private final ZoneId zone;
  private final IncidentHistory history;
  private final ThrottledLog storeErrors = new ThrottledLog(log, Duration.ofSeconds(10));
  private volatile Escalator escalator;

  /**
   * @param incidents null = acknowledgements are off
   * @param links null = no links in messages
   * @param history where opened, notified, silenced, suppressed and recovered are written
   */
  public IncidentGate(Silences silences, IncidentStore incidents, AckLinks links, Clock clock, ZoneId zone,
      IncidentHistory history) {
    this.history = history;
    this.silences = silences;
    this.incidents = incidents;
    this.links = links;
    this.clock = clock;
    this.zone = zone;
  }

  public IncidentGate(Silences silences) {
    this(silences, null, null, Clock.systemUTC(), ZoneId.systemDefault(), IncidentHistory.NONE);
  }

  public static IncidentGate open() {
    return new IncidentGate(Silences.NONE);
  }

  /** Starts the escalation of each PROBLEM not acknowledged and ends it with the OK (docs/ALERTING.md). */
  public IncidentGate escalations(Escalator escalator) {
    this.escalator = escalator;
    return this;
  }

  public Verdict check(AlertEvent event) {
    Escalator esc = escalator;
    if (esc != null && !event.isProblem()) {
      esc.recovered(event); // before the incident is forgotten, so no step is claimed in between
    }
    Optional<IncidentStore.Ack> ack = record(event);
    if (esc != null && event.isProblem() && ack.isEmpty()) {
      esc.problem(event);
    }
    long now = clock.millis();
    if (event.isProblem() && event.currentStep() == 1) {
      history.record(IncidentHistory.entry(event, "opened", now).build());
    } else if (!event.isProblem()) {
      history.record(IncidentHistory.entry(event, "recovered", now).setDetail(ack.map(this::describe).orElse(""))
          .build());
    }
    Optional<SilenceMatcher> silence = silences.silencing(event);
    if (silence.isPresent()) {
      SilenceMatcher s = silence.get();
      String why = "silenced by silence " + s.id() + " of " + s.author();
      history.record(IncidentHistory.entry(event, "silenced", now).setDetail(IncidentHistory.clip(why, 1024))
          .build());
      return Verdict.suppress("silenced", why);
    }
    if (event.isProblem()) {
      if (ack.isPresent()) {
        String why = describe(ack.get());
        history.record(IncidentHistory.entry(event, "suppressed", now).setDetail(IncidentHistory.clip(why, 1024))
            .build());
        return Verdict.suppress("acknowledged", why);
      }
      return Verdict.tell("", links == null ? "" : links.link(event.id(), now / 1000));
    }
    return Verdict.tell(ack.map(this::describe).orElse(""), "");
  }

  /**
   * Records one send of a channel to its receivers (a digest's sends are not recorded one by one).
   *
   * @param result ok, failed or refused
   */
  public void notified(AlertEvent event, String channel, java.util.List<String> to, String result, String detail) {
    history.record(IncidentHistory.send(event, "notified", clock.millis(), channel, to, result, detail));
  }

  private Optional<IncidentStore.Ack> record(AlertEvent event) {
    if (incidents == null) {
      return Optional.empty();
    }
    try {
      return event.isProblem() ? incidents.problem(event) : incidents.recovered(event.id());
    } catch (AlertQueueException | RuntimeException e) {
      storeErrors.warn("sender: cannot record incident {} ({}); telling it as if not acknowledged", event.id(),
          e.getMessage());
      return Optional.empty();
    }
  }

  /** {@code acknowledged by alice at 2026-11-22 10:05:00: looking into it}. */
  String describe(IncidentStore.Ack ack) {
    String at = TIME.format(Instant.ofEpochMilli(ack.atMillis()).atZone(zone));
    return "acknowledged by " + ack.by() + " at " + at + (ack.comment().isEmpty() ? "" : ": " + ack.comment());
  }
}
