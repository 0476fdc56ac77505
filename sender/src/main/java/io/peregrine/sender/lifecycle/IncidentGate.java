package io.peregrine.sender.lifecycle;

import io.peregrine.common.event.AlertEvent;
import java.util.Optional;

/**
 * Asked once per event before anyone is told: is the incident silenced? The judge still evaluates and still sends
 * its events (its state stays true); only the telling stops. A silenced event is acknowledged without a send, so
 * when the silence ends on an incident still open, the next repeat the judge sends (currentStep + 1, up to maxStep)
 * goes out as usual.
 */
public final class IncidentGate {
  /** What to do with one event. */
  public record Verdict(boolean tell, String reason, String remark) {
    static final Verdict TELL = new Verdict(true, "", "");
  }

  private final Silences silences;

  public IncidentGate(Silences silences) {
    this.silences = silences;
  }

  public static IncidentGate open() {
    return new IncidentGate(Silences.NONE);
  }

  public Verdict check(AlertEvent event) {
    Optional<SilenceMatcher> silence = silences.silencing(event);
    if (silence.isPresent()) {
      SilenceMatcher s = silence.get();
      return new Verdict(false, "silenced", "silenced by silence " + s.id() + " of " + s.author());
    }
    return Verdict.TELL;
  }
}
