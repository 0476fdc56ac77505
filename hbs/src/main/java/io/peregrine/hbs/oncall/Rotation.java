package io.peregrine.hbs.oncall;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;

/**
 * A weekly rotation: the k-th hand-over is on {@code day} at {@code time} in {@code zone}, in the k-th week counted
 * from the first such day on or after {@code startsOn}; the shift that starts there belongs to
 * {@code users[k mod n]}. Hand-overs are computed as local date-times in the zone, so a shift across a DST change
 * is 167 or 169 hours long and every hand-over stays at the same wall-clock time. A hand-over time that the clocks
 * skip (a spring-forward gap) moves forward by the gap; one that happens twice (autumn) is the earlier of the two
 * ({@link ZonedDateTime#of}'s rules).
 */
public record Rotation(ZoneId zone, DayOfWeek day, LocalTime time, LocalDate startsOn, List<String> users) {
  private static final long WEEK_SECONDS = 7L * 24 * 3600;

  public Rotation {
    users = List.copyOf(users);
  }

  /** One user's stretch on call: from (inclusive) to until (exclusive), unix seconds. */
  public record Shift(long index, String user, long from, long until) {
  }

  /** The k-th hand-over (k = 0 is the first), unix seconds. */
  public long handover(long k) {
    LocalDate first = startsOn.with(TemporalAdjusters.nextOrSame(day));
    return ZonedDateTime.of(first.plusWeeks(k), time, zone).toEpochSecond();
  }

  /**
   * The shift at {@code t} (unix seconds); null when the rotation has no users or {@code t} is before the first
   * hand-over.
   */
  public Shift shiftAt(long t) {
    long k = index(t);
    if (k < 0 || users.isEmpty()) {
      return null;
    }
    return new Shift(k, users.get((int) Math.floorMod(k, (long) users.size())), handover(k), handover(k + 1));
  }

  /** The first hand-over after {@code t} (strictly), unix seconds. */
  public long nextHandover(long t) {
    return handover(Math.max(index(t), -1) + 1);
  }

  /** The number of the shift holding {@code t}: -1 before the first hand-over. */
  long index(long t) {
    long h0 = handover(0);
    if (t < h0) {
      return -1;
    }
    // a week is 604,800 s give or take an hour of DST, so the estimate is off by at most one either way
    long k = (t - h0) / WEEK_SECONDS;
    while (k > 0 && handover(k) > t) {
      k--;
    }
    while (handover(k + 1) <= t) {
      k++;
    }
    return k;
  }
}
