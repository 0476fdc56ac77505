package io.peregrine.hbs.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Overrides over a rotation and over each other, the next hand-overs, and schedules with nobody on call. */
class OnCallTest {
  // Monday 09:00 UTC hand-overs from 2026-11-02: alice, bob, alice, ...
  private static final Rotation ROTATION = new Rotation(ZoneId.of("UTC"), DayOfWeek.MONDAY, LocalTime.of(9, 0),
      LocalDate.parse("2026-11-02"), List.of("alice", "bob"));

  private static long at(String iso) {
    return Instant.parse(iso).getEpochSecond();
  }

  private static ScheduleOverride override(long id, String user, String from, String until) {
    return new ScheduleOverride(id, 1, user, at(from), at(until), "eddie", "", 0);
  }

  @Test
  void theNewestOverrideWinsWhereOverridesOverlapAndTheRotationResumesAfter() {
    OnCall oc = new OnCall(ROTATION, List.of(
        override(1, "carol", "2026-11-03T10:00:00Z", "2026-11-05T10:00:00Z"),
        override(2, "dave", "2026-11-04T00:00:00Z", "2026-11-04T12:00:00Z")));

    assertThat(oc.at(at("2026-11-03T09:59:59Z"))).isEqualTo(new OnCall.Slot("alice", at("2026-11-02T09:00:00Z"),
        at("2026-11-03T10:00:00Z"), 0));
    assertThat(oc.at(at("2026-11-03T10:00:00Z")).user()).isEqualTo("carol");
    assertThat(oc.at(at("2026-11-04T06:00:00Z"))).isEqualTo(new OnCall.Slot("dave", at("2026-11-04T00:00:00Z"),
        at("2026-11-04T12:00:00Z"), 2));
    assertThat(oc.at(at("2026-11-04T12:00:00Z"))).isEqualTo(new OnCall.Slot("carol", at("2026-11-04T12:00:00Z"),
        at("2026-11-05T10:00:00Z"), 1));
    assertThat(oc.at(at("2026-11-05T10:00:00Z")).user()).isEqualTo("alice");
    assertThat(oc.at(at("2026-11-05T10:00:00Z")).source()).isEqualTo("rotation");

    assertThat(oc.next(at("2026-11-03T00:00:00Z"), 5)).containsExactly(
        new OnCall.Slot("carol", at("2026-11-03T10:00:00Z"), at("2026-11-04T00:00:00Z"), 1),
        new OnCall.Slot("dave", at("2026-11-04T00:00:00Z"), at("2026-11-04T12:00:00Z"), 2),
        new OnCall.Slot("carol", at("2026-11-04T12:00:00Z"), at("2026-11-05T10:00:00Z"), 1),
        new OnCall.Slot("alice", at("2026-11-05T10:00:00Z"), at("2026-11-09T09:00:00Z"), 0),
        new OnCall.Slot("bob", at("2026-11-09T09:00:00Z"), at("2026-11-16T09:00:00Z"), 0));
  }

  @Test
  void anOverrideByTheUserOnCallChangesNobodyAndAcrossAHandOverKeepsThem() {
    // bob covers from Sunday to Tuesday: his own shift starts Monday 09:00, so one stretch from Sunday
    OnCall oc = new OnCall(ROTATION, List.of(override(1, "bob", "2026-11-08T00:00:00Z", "2026-11-10T00:00:00Z")));

    OnCall.Slot s = oc.at(at("2026-11-09T12:00:00Z"));
    assertThat(s.user()).isEqualTo("bob");
    assertThat(s.from()).isEqualTo(at("2026-11-08T00:00:00Z"));
    assertThat(s.until()).isEqualTo(at("2026-11-16T09:00:00Z"));
    assertThat(oc.next(at("2026-11-07T00:00:00Z"), 2)).extracting(OnCall.Slot::user, OnCall.Slot::from)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("bob", at("2026-11-08T00:00:00Z")),
            org.assertj.core.groups.Tuple.tuple("alice", at("2026-11-16T09:00:00Z")));
  }

  @Test
  void anEmptyScheduleHasNobodyOnCallExceptWhileAnOverrideCovers() {
    Rotation empty = new Rotation(ZoneId.of("Europe/Berlin"), DayOfWeek.MONDAY, LocalTime.of(9, 0),
        LocalDate.parse("2026-11-02"), List.of());
    assertThat(new OnCall(empty, List.of()).at(at("2026-11-04T00:00:00Z")))
        .isEqualTo(new OnCall.Slot(null, 0, 0, 0));
    assertThat(new OnCall(empty, List.of()).at(at("2026-11-04T00:00:00Z")).source()).isEqualTo("nobody");
    assertThat(new OnCall(empty, List.of()).next(at("2026-11-04T00:00:00Z"), 3)).isEmpty();

    OnCall covered = new OnCall(empty, List.of(override(4, "erin", "2026-11-04T08:00:00Z", "2026-11-04T20:00:00Z")));
    assertThat(covered.at(at("2026-11-04T08:00:00Z")).user()).isEqualTo("erin");
    assertThat(covered.next(at("2026-11-04T00:00:00Z"), 3)).containsExactly(
        new OnCall.Slot("erin", at("2026-11-04T08:00:00Z"), at("2026-11-04T20:00:00Z"), 4),
        new OnCall.Slot(null, at("2026-11-04T20:00:00Z"), 0, 0));
  }

  @Test
  void beforeTheFirstHandOverNobodyIsOnCallUntilIt() {
    OnCall oc = new OnCall(ROTATION, List.of());
    OnCall.Slot before = oc.at(at("2026-11-01T00:00:00Z"));
    assertThat(before.user()).isNull();
    assertThat(before.until()).isEqualTo(at("2026-11-02T09:00:00Z"));
  }

  @Test
  void aRotationOfOneNeverHandsOver() {
    Rotation one = new Rotation(ZoneId.of("UTC"), DayOfWeek.MONDAY, LocalTime.of(9, 0),
        LocalDate.parse("2026-11-02"), List.of("solo"));
    OnCall oc = new OnCall(one, List.of());
    assertThat(oc.at(at("2026-12-01T00:00:00Z"))).isEqualTo(new OnCall.Slot("solo", at("2026-11-02T09:00:00Z"), 0,
        0));
    assertThat(oc.next(at("2026-12-01T00:00:00Z"), 3)).isEmpty();
  }
}
