package io.peregrine.hbs.incident;

import io.peregrine.proto.v1.IncidentEvent;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an incident history entry may hold (the column sizes of {@code incident_event}): an event id of letters,
 * digits and {@code _.:-} (1..255), a known kind, a time after 2000-01-01, and text fields within their columns.
 * An entry that breaks a rule is refused alone; the rest of its batch is written.
 */
public final class IncidentEventRules {
  public static final Set<String> KINDS = Set.of("opened", "notified", "acknowledged", "silenced", "suppressed",
      "recovered", "escalated");
  public static final Set<String> RESULTS = Set.of("", "ok", "failed", "refused");
  public static final int MAX_BATCH = 1_000;
  private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,255}");
  private static final long YEAR_2000_MS = 946_684_800_000L;

  private IncidentEventRules() {}

  /** Null when the entry may be written, else why not. */
  public static String problem(IncidentEvent e) {
    if (!EVENT_ID.matcher(e.getEventId()).matches()) {
      return "event_id must be 1..255 letters, digits, '_', '.', ':', '-'";
    }
    if (!KINDS.contains(e.getKind())) {
      return "kind '" + e.getKind() + "' is not one of " + KINDS;
    }
    if (e.getAt() < YEAR_2000_MS) {
      return "at must be unix milliseconds, got " + e.getAt();
    }
    if (!RESULTS.contains(e.getResult())) {
      return "result '" + e.getResult() + "' is not ok, failed or refused";
    }
    if (e.getEndpoint().length() > 255 || e.getMetric().length() > 255 || e.getChannel().length() > 32
        || e.getReceiver().length() > 1024 || e.getDetail().length() > 1024 || e.getSender().length() > 128) {
      return "a text field is longer than its column (endpoint, metric 255; channel 32; receiver, detail 1024; "
          + "sender 128)";
    }
    return null;
  }
}
