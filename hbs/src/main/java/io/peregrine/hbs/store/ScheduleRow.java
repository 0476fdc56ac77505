package io.peregrine.hbs.store;

import io.peregrine.hbs.oncall.Rotation;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/**
 * A row of {@code schedule} with its rotation's users in order. Written only after
 * {@code io.peregrine.hbs.oncall.ScheduleRules}, so the zone, day, minute and date always parse.
 */
public record ScheduleRow(long id, String name, String timeZone, int handoverDay, int handoverMinute,
    String startsOn, String description, List<String> users) {
  public ScheduleRow {
    users = List.copyOf(users);
  }

  public Rotation rotation() {
    return new Rotation(ZoneId.of(timeZone), DayOfWeek.of(handoverDay),
        LocalTime.of(handoverMinute / 60, handoverMinute % 60), LocalDate.parse(startsOn), users);
  }

  /** {@code HH:mm}, as clients write it. */
  public String handoverTime() {
    return String.format("%02d:%02d", handoverMinute / 60, handoverMinute % 60);
  }

  ScheduleRow withUsers(List<String> u) {
    return new ScheduleRow(id, name, timeZone, handoverDay, handoverMinute, startsOn, description, u);
  }
}
