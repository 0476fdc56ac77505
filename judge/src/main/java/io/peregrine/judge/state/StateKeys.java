package io.peregrine.judge.state;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.judge.eval.LastEvent;

/**
 * How an event becomes stored state. An event id is {@code <ruleKey>_<seriesHash>} ({@code s_7_9a11...}), so the
 * event alone says what to write: the series hash names the record, the rule key the field, and the value is
 * {@code "<P|O> <currentStep> <eventTime>"}. Nothing but the event is needed, so state and event can be written in
 * one atomic step by whoever publishes the event.
 */
public final class StateKeys {
  private StateKeys() {}

  /** The series hash of an event id (after the last underscore). */
  public static String seriesHash(String eventId) {
    return eventId.substring(eventId.lastIndexOf('_') + 1);
  }

  /** The rule key of an event id (before the last underscore). */
  public static String ruleKey(String eventId) {
    return eventId.substring(0, eventId.lastIndexOf('_'));
  }

  /** Redis key of a series' state hash. */
  public static String redisKey(String prefix, String seriesHash) {
    return prefix + "judge:state:" + seriesHash;
  }

  public static String encode(AlertEvent e) {
    return encode(AlertEvent.PROBLEM.equals(e.status()), e.currentStep(), e.eventTime());
  }

  public static String encode(boolean problem, int currentStep, long eventTime) {
    return (problem ? "P " : "O ") + currentStep + " " + eventTime;
  }

  /** @return the decoded event, or null for text this version does not understand (it is then ignored) */
  public static LastEvent decode(String value) {
    if (value == null) {
      return null;
    }
    String[] parts = value.split(" ");
    if (parts.length != 3 || !(parts[0].equals("P") || parts[0].equals("O"))) {
      return null;
    }
    try {
      return new LastEvent(parts[0].equals("P"), Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
