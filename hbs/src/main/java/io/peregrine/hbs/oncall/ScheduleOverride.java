package io.peregrine.hbs.oncall;

/**
 * {@code user} is on call from {@code startsAt} (inclusive) to {@code endsAt} (exclusive), unix seconds, instead of
 * the rotation; where overrides overlap, the newest (highest id) wins.
 */
public record ScheduleOverride(long id, long scheduleId, String user, long startsAt, long endsAt, String author,
    String comment, long createdAt) {
  boolean covers(long t) {
    return startsAt <= t && t < endsAt;
  }
}
