package io.peregrine.hbs.oncall;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Who is on call in one schedule: an override covering the time (the newest when several do), else the rotation's
 * shift. Times are unix seconds. A {@link Slot} runs from the last change of person at or before the time to the
 * next change after it, so two shifts of the same user in a row (a rotation of one) read as one slot, looked at
 * over at most {@value #MAX_STEPS} boundaries either way.
 */
public final class OnCall {
  static final int MAX_STEPS = 4_096;

  private final Rotation rotation;
  private final List<ScheduleOverride> overrides;

  /** @param overrides this schedule's overrides (any order; those ended long ago do no harm) */
  public OnCall(Rotation rotation, List<ScheduleOverride> overrides) {
    this.rotation = rotation;
    this.overrides = overrides.stream().sorted(Comparator.comparingLong(ScheduleOverride::id).reversed()).toList();
  }

  /**
   * One stretch of one person on call. {@code user} is null when nobody is (no users and no override, or before
   * the rotation's first hand-over); {@code overrideId} is 0 for the rotation.
   */
  public record Slot(String user, long from, long until, long overrideId) {
    public String source() {
      return user == null ? "nobody" : overrideId == 0 ? "rotation" : "override";
    }
  }

  /** Who is on call at {@code t}, and the stretch around it ({@code from}/{@code until} 0 where none is found). */
  public Slot at(long t) {
    Who who = who(t);
    long from = 0;
    long cur = t;
    for (int i = 0; i < MAX_STEPS; i++) {
      long b = boundaryAtOrBefore(cur);
      if (b == Long.MIN_VALUE) {
        from = 0;
        break;
      }
      from = b;
      if (!who(b - 1).sameAs(who)) {
        break;
      }
      cur = b - 1;
    }
    return new Slot(who.user, from, nextChange(t, who), who.overrideId);
  }

  /** The next {@code n} changes of person after {@code t}: each slot starts at a hand-over. */
  public List<Slot> next(long t, int n) {
    List<Slot> out = new ArrayList<>(n);
    long cur = t;
    Who who = who(t);
    while (out.size() < n) {
      long change = nextChange(cur, who);
      if (change == 0) {
        break;
      }
      Who then = who(change);
      out.add(new Slot(then.user, change, nextChange(change, then), then.overrideId));
      cur = change;
      who = then;
    }
    return out;
  }

  /** The first time after {@code t} at which someone other than {@code who} is on call; 0 when none is found. */
  private long nextChange(long t, Who who) {
    long cur = t;
    for (int i = 0; i < MAX_STEPS; i++) {
      long b = boundaryAfter(cur);
      if (b == Long.MAX_VALUE) {
        return 0;
      }
      if (!who(b).sameAs(who)) {
        return b;
      }
      cur = b;
    }
    return 0;
  }

  private record Who(String user, long overrideId) {
    boolean sameAs(Who o) {
      return java.util.Objects.equals(user, o.user);
    }
  }

  private Who who(long t) {
    for (ScheduleOverride o : overrides) {
      if (o.covers(t)) {
        return new Who(o.user(), o.id());
      }
    }
    Rotation.Shift s = rotation.shiftAt(t);
    return new Who(s == null ? null : s.user(), 0);
  }

  /** The first time after {@code t} (strictly) at which a shift or an override starts or ends. */
  private long boundaryAfter(long t) {
    long best = rotation.users().isEmpty() ? Long.MAX_VALUE : rotation.nextHandover(t);
    for (ScheduleOverride o : overrides) {
      if (o.startsAt() > t) {
        best = Math.min(best, o.startsAt());
      }
      if (o.endsAt() > t) {
        best = Math.min(best, o.endsAt());
      }
    }
    return best;
  }

  /** The last boundary at or before {@code t}; MIN_VALUE when there is none. */
  private long boundaryAtOrBefore(long t) {
    long best = Long.MIN_VALUE;
    if (!rotation.users().isEmpty()) {
      long k = rotation.index(t);
      if (k >= 0) {
        best = rotation.handover(k);
      }
    }
    for (ScheduleOverride o : overrides) {
      if (o.startsAt() <= t) {
        best = Math.max(best, o.startsAt());
      }
      if (o.endsAt() <= t) {
        best = Math.max(best, o.endsAt());
      }
    }
    return best;
  }
}
