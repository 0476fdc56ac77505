package io.peregrine.hbs.escalation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An action's escalation (docs/ALERTING.md): its steps in order, and how often the last one is told again.
 *
 * @param steps in order; after_minutes rises from one step to the next
 * @param repeatMinutes after the last step, it is told again every this many minutes; 0 = never
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Escalation(List<Step> steps, Integer repeatMinutes) {
  /** After {@code afterMinutes} unacknowledged (from when a sender first took the incident), tell team by channel. */
  public record Step(Integer afterMinutes, String team, String channel) {
  }

  public Escalation {
    steps = steps == null ? List.of() : List.copyOf(steps);
    repeatMinutes = repeatMinutes == null ? 0 : repeatMinutes;
  }

  public static final Escalation NONE = new Escalation(List.of(), 0);

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isEmpty() {
    return steps.isEmpty();
  }
}
