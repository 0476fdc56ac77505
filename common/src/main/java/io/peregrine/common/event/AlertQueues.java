package io.peregrine.common.event;

/** Open-Falcon's queue names: {@code event:p0} (most urgent) .. {@code event:p6}, behind an optional key prefix. */
public final class AlertQueues {
  public static final int MIN_PRIORITY = 0;
  public static final int MAX_PRIORITY = 6;

  private AlertQueues() {}

  public static String name(String prefix, int priority) {
    return prefix + "event:p" + clamp(priority);
  }

  /** Priorities outside 0..6 go to the nearest queue rather than being lost. */
  public static int clamp(int priority) {
    return Math.max(MIN_PRIORITY, Math.min(MAX_PRIORITY, priority));
  }
}
