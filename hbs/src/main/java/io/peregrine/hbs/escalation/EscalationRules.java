package io.peregrine.hbs.escalation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What an escalation may say, checked before it is stored (admin API and config import). Each problem names its
 * field ({@code steps[1].afterMinutes}). Limits: at most {@value #MAX_STEPS} steps, {@code afterMinutes}
 * {@value #MIN_AFTER_MINUTES}..{@value #MAX_AFTER_MINUTES} and strictly rising from step to step,
 * {@code repeatMinutes} 0 (never) or {@value #MIN_REPEAT_MINUTES}..{@value #MAX_REPEAT_MINUTES}, a team name of
 * 1..{@value #MAX_TEAM_LENGTH} characters without a comma (one name), a channel among {@link #CHANNELS}.
 */
public final class EscalationRules {
  public static final int MAX_STEPS = 10;
  public static final int MIN_AFTER_MINUTES = 1;
  /** A week: an incident nobody acknowledged for longer is not one an escalation still helps with. */
  public static final int MAX_AFTER_MINUTES = 7 * 24 * 60;
  public static final int MIN_REPEAT_MINUTES = 5;
  public static final int MAX_REPEAT_MINUTES = 24 * 60;
  public static final int MAX_TEAM_LENGTH = 255;
  /** The channels that reach a person by an address of theirs (the chat robots and webhooks have no person). */
  public static final Set<String> CHANNELS = Set.of("sms", "im", "mail");

  /** One bad field and what is wrong with it. */
  public record Problem(String field, String message) {
  }

  private EscalationRules() {}

  /** Every problem of {@code e}; empty when it may be stored. An escalation without steps is "none". */
  public static List<Problem> check(Escalation e) {
    List<Problem> out = new ArrayList<>();
    if (e.steps().size() > MAX_STEPS) {
      out.add(new Problem("steps", "has " + e.steps().size() + " steps; at most " + MAX_STEPS));
      return out;
    }
    int r = e.repeatMinutes();
    if (r != 0 && (r < MIN_REPEAT_MINUTES || r > MAX_REPEAT_MINUTES)) {
      out.add(new Problem("repeatMinutes", "is " + r + "; 0 (never) or " + MIN_REPEAT_MINUTES + ".."
          + MAX_REPEAT_MINUTES));
    }
    if (r != 0 && e.steps().isEmpty()) {
      out.add(new Problem("repeatMinutes", "needs at least one step to repeat"));
    }
    int previous = 0;
    for (int i = 0; i < e.steps().size(); i++) {
      Escalation.Step s = e.steps().get(i);
      String at = "steps[" + i + "]";
      if (s == null) {
        out.add(new Problem(at, "is null"));
        continue;
      }
      Integer m = s.afterMinutes();
      if (m == null) {
        out.add(new Problem(at + ".afterMinutes", "is required"));
      } else if (m < MIN_AFTER_MINUTES || m > MAX_AFTER_MINUTES) {
        out.add(new Problem(at + ".afterMinutes", "is " + m + "; " + MIN_AFTER_MINUTES + ".." + MAX_AFTER_MINUTES));
      } else if (m <= previous) {
        out.add(new Problem(at + ".afterMinutes", "is " + m + "; steps are ordered, so it must be more than "
            + "the step before's " + previous));
      }
      if (m != null) {
        previous = Math.max(previous, m);
      }
      String t = s.team();
      if (t == null || t.isBlank()) {
        out.add(new Problem(at + ".team", "is required"));
      } else if (t.length() > MAX_TEAM_LENGTH) {
        out.add(new Problem(at + ".team", "is " + t.length() + " characters long; at most " + MAX_TEAM_LENGTH));
      } else if (t.contains(",") || !t.equals(t.trim())) {
        out.add(new Problem(at + ".team", "names one team: no comma, no leading or trailing space, got '" + t
            + "'"));
      }
      if (s.channel() == null || !CHANNELS.contains(s.channel())) {
        out.add(new Problem(at + ".channel", "is '" + s.channel() + "'; one of " + new java.util.TreeSet<>(CHANNELS)));
      }
    }
    return out;
  }
}
