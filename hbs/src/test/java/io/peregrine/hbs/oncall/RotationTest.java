package io.peregrine.hbs.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Weekly hand-overs computed in the zone: across DST changes, in a skipped hour, in a doubled hour, at the edge. */
class RotationTest {
  private static long at(String iso) {
    return Instant.parse(iso).getEpochSecond();
  }

  private static Rotation rotation(String zone, DayOfWeek day, String time, String startsOn, String... users) {
    return new Rotation(ZoneId.of(zone), day, LocalTime.parse(time), LocalDate.parse(startsOn), List.of(users));
  }

  @Test
  void berlinKeepsNineOClockAcrossBothDstChanges() {
    // Europe/Berlin goes to summer time on 2026-03-29 and back on 2026-10-25
    Rotation r = rotation("Europe/Berlin", DayOfWeek.MONDAY, "09:00", "2026-03-20", "alice", "bob", "carol");

    assertThat(r.handover(0)).isEqualTo(at("2026-03-23T08:00:00Z")); // first Monday on or after the 20th, CET
    assertThat(r.handover(1)).isEqualTo(at("2026-03-30T07:00:00Z")); // CEST
    assertThat(r.handover(1) - r.handover(0)).isEqualTo(167 * 3600);
    Rotation.Shift s = r.shiftAt(at("2026-03-29T12:00:00Z"));
    assertThat(s.user()).isEqualTo("alice");
    assertThat(s.until()).isEqualTo(at("2026-03-30T07:00:00Z"));

    long octoberBefore = at("2026-10-19T07:00:00Z"); // Monday 09:00 CEST
    long octoberAfter = at("2026-10-26T08:00:00Z"); // Monday 09:00 CET
    Rotation.Shift autumn = r.shiftAt(at("2026-10-25T12:00:00Z"));
    assertThat(autumn.from()).isEqualTo(octoberBefore);
    assertThat(autumn.until()).isEqualTo(octoberAfter);
    assertThat(autumn.until() - autumn.from()).isEqualTo(169 * 3600);
    // 30 weeks after the first hand-over: 30 mod 3 = 0
    assertThat(autumn.index()).isEqualTo(30);
    assertThat(autumn.user()).isEqualTo("alice");
    assertThat(r.shiftAt(octoberAfter).user()).isEqualTo("bob");
  }

  @Test
  void theHandOverSecondBelongsToTheNextUser() {
    Rotation r = rotation("Europe/Berlin", DayOfWeek.MONDAY, "09:00", "2026-03-23", "alice", "bob");
    long h1 = r.handover(1);

    assertThat(r.shiftAt(h1 - 1).user()).isEqualTo("alice");
    assertThat(r.shiftAt(h1).user()).isEqualTo("bob");
    assertThat(r.shiftAt(h1).from()).isEqualTo(h1);
    assertThat(r.nextHandover(h1 - 1)).isEqualTo(h1);
    assertThat(r.nextHandover(h1)).isEqualTo(r.handover(2));
    assertThat(r.shiftAt(r.handover(0) - 1)).as("before the first hand-over").isNull();
    assertThat(r.nextHandover(0)).isEqualTo(r.handover(0));
  }

  @Test
  void newYorkHandOverInTheSkippedHourMovesForwardAndInTheDoubledHourTakesTheFirst() {
    // America/New_York: 02:00 -> 03:00 on Sunday 2026-03-08, 02:00 -> 01:00 on Sunday 2026-11-01
    Rotation spring = rotation("America/New_York", DayOfWeek.SUNDAY, "02:30", "2026-03-01", "ann", "ben");
    assertThat(spring.handover(0)).isEqualTo(at("2026-03-01T07:30:00Z")); // EST
    assertThat(spring.handover(1)).isEqualTo(at("2026-03-08T07:30:00Z")); // 02:30 does not exist: 03:30 EDT
    assertThat(spring.handover(2)).isEqualTo(at("2026-03-15T06:30:00Z")); // 02:30 EDT
    assertThat(spring.shiftAt(at("2026-03-08T07:29:59Z")).user()).isEqualTo("ann");
    assertThat(spring.shiftAt(at("2026-03-08T07:30:00Z")).user()).isEqualTo("ben");

    Rotation autumn = rotation("America/New_York", DayOfWeek.SUNDAY, "01:30", "2026-10-25", "ann", "ben");
    assertThat(autumn.handover(0)).isEqualTo(at("2026-10-25T05:30:00Z")); // EDT
    assertThat(autumn.handover(1)).isEqualTo(at("2026-11-01T05:30:00Z")); // the first 01:30, still EDT
    assertThat(autumn.handover(2)).isEqualTo(at("2026-11-08T06:30:00Z")); // EST
    assertThat(autumn.handover(2) - autumn.handover(1)).isEqualTo(169 * 3600);
    assertThat(autumn.shiftAt(at("2026-11-01T06:00:00Z")).user()).isEqualTo("ben"); // the second 01:00 hour
  }

  @Test
  void farAheadTheIndexIsExact() {
    Rotation r = rotation("America/New_York", DayOfWeek.FRIDAY, "17:00", "2026-01-02", "a", "b", "c", "d", "e");
    for (long k : new long[] {0, 1, 9, 52, 53, 520, 4000}) {
      long h = r.handover(k);
      assertThat(r.shiftAt(h).index()).isEqualTo(k);
      if (k > 0) {
        assertThat(r.shiftAt(h - 1).index()).isEqualTo(k - 1);
      }
    }
  }

  @Test
  void aRotationWithoutUsersHasNobody() {
    Rotation r = rotation("UTC", DayOfWeek.MONDAY, "00:00", "2026-01-05");
    assertThat(r.shiftAt(at("2026-06-01T00:00:00Z"))).isNull();
  }
}
