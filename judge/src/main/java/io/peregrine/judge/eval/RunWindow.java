package io.peregrine.judge.eval;

import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;

/**
 * A strategy's {@code run_begin}/{@code run_end}: the minutes of the day (in the judge clock's zone) when it is
 * judged. Both ends are inclusive at minute precision; a window whose end is before its begin wraps past midnight
 * ({@code 22:00}-{@code 06:00}). Both empty, or begin equal to end, means always.
 */
public record RunWindow(int beginMinute, int endMinute) {
  public static final RunWindow ALWAYS = new RunWindow(-1, -1);

  /** @throws IllegalArgumentException naming the bad end */
  public static RunWindow parse(String begin, String end) {
    boolean noBegin = begin == null || begin.isBlank();
    boolean noEnd = end == null || end.isBlank();
    if (noBegin && noEnd) {
      return ALWAYS;
    }
    if (noBegin || noEnd) {
      throw new IllegalArgumentException("run_begin '" + nullToEmpty(begin) + "' and run_end '" + nullToEmpty(end)
          + "' must both be HH:MM or both be empty");
    }
    int b = minuteOf("run_begin", begin);
    int e = minuteOf("run_end", end);
    return b == e ? ALWAYS : new RunWindow(b, e);
  }

  public boolean always() {
    return beginMinute < 0;
  }

  public boolean isActive(Clock clock) {
    if (always()) {
      return true;
    }
    LocalTime now = LocalTime.now(clock);
    int minute = now.getHour() * 60 + now.getMinute();
    return beginMinute < endMinute
        ? minute >= beginMinute && minute <= endMinute
        : minute >= beginMinute || minute <= endMinute;
  }

  @Override
  public String toString() {
    return always() ? "always" : format(beginMinute) + "-" + format(endMinute);
  }

  private static int minuteOf(String name, String text) {
    String t = text.trim();
    if (t.length() == 4 && t.charAt(1) == ':') {
      t = "0" + t; // "9:30" as people write it
    }
    try {
      LocalTime time = LocalTime.parse(t);
      return time.getHour() * 60 + time.getMinute();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " '" + text + "' is not HH:MM");
    }
  }

  private static String format(int minute) {
    return String.format("%02d:%02d", minute / 60, minute % 60);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
