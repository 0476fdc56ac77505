package io.peregrine.sender.receiver;

import java.util.List;

/**
 * An action's escalation as hbs gives it (docs/ALERTING.md): steps in order, each with its team's people already
 * resolved, and how often the last step is told again.
 *
 * @param repeatMinutes after the last step it is told again every this many minutes; 0 = never
 */
public record Escalation(List<Step> steps, int repeatMinutes) {
  /** After {@code afterMinutes} unacknowledged, tell {@code people} (team {@code team}) by {@code channel}. */
  public record Step(int afterMinutes, String team, String channel, List<Person> people) {
    public Step {
      people = List.copyOf(people);
    }
  }

  public static final Escalation NONE = new Escalation(List.of(), 0);

  public Escalation {
    steps = List.copyOf(steps);
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }
}
