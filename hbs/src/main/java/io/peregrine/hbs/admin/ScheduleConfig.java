package io.peregrine.hbs.admin;

import io.peregrine.hbs.oncall.ScheduleRules;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.ScheduleRepository;
import io.peregrine.hbs.store.ScheduleRow;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * On-call schedules in {@link ConfigYaml}'s export and import: by name, with the rotation's users in order and
 * under the same rules as {@code /api/v1/schedules}. Import makes the stored schedules equal to the file's; a
 * schedule kept keeps its overrides (they are operational, like silences, and not in the file), one the file lacks
 * is deleted with them.
 */
final class ScheduleConfig {
  private static final Listing ALL = new Listing(new Filter(), "id", Integer.MAX_VALUE, 0);

  private final ScheduleRepository schedules;

  ScheduleConfig(String userTable) {
    this.schedules = new ScheduleRepository(userTable);
  }

  List<ConfigDocument.Schedule> read(Handle h) {
    return schedules.page(h, ALL).items().stream().map(s -> new ConfigDocument.Schedule(s.name(), s.timeZone(),
        DayOfWeek.of(s.handoverDay()).name().toLowerCase(Locale.ROOT), s.handoverTime(), s.startsOn(), s.users(),
        s.description())).toList();
  }

  /** Defaults filled in and every field checked, naming the schedule. */
  static ConfigDocument.Schedule normal(ConfigDocument.Schedule s) {
    List<ScheduleRules.Problem> problems = new ArrayList<>(ScheduleRules.checkName(s.name()));
    ScheduleRules.zone(s.timeZone(), problems);
    DayOfWeek day = ScheduleRules.day(s.handoverDay(), problems);
    LocalTime time = ScheduleRules.time(s.handoverTime(), problems);
    ScheduleRules.startsOn(s.startsOn(), problems);
    List<String> users = s.users() == null ? List.of() : s.users().stream().map(u -> u == null ? "" : u.trim())
        .toList();
    ScheduleRules.users(users, users, problems); // that the users exist is checked against the file's users
    ScheduleRules.description(s.description(), problems);
    if (!problems.isEmpty()) {
      ScheduleRules.Problem p = problems.get(0);
      throw new IllegalArgumentException("schedule '" + s.name() + "': " + p.field() + " " + p.message());
    }
    return new ConfigDocument.Schedule(s.name(), s.timeZone(), day.name().toLowerCase(Locale.ROOT),
        time.toString(), s.startsOn(), users, s.description() == null ? "" : s.description().trim());
  }

  /** Names unique, not a team's, users among the file's users. */
  static void check(ConfigDocument d) {
    Set<String> seen = new HashSet<>();
    Set<String> users = d.users().stream().map(ConfigDocument.User::name).collect(Collectors.toSet());
    Set<String> teams = d.teams().stream().map(ConfigDocument.Team::name).collect(Collectors.toSet());
    for (ConfigDocument.Schedule s : d.schedules()) {
      if (!seen.add(s.name())) {
        throw new IllegalArgumentException("schedule '" + s.name() + "' appears twice");
      }
      if (teams.contains(s.name())) {
        throw new IllegalArgumentException("schedule '" + s.name() + "' has a team's name; it needs one of its own");
      }
      s.users().stream().filter(u -> !users.contains(u)).findFirst().ifPresent(u -> {
        throw new IllegalArgumentException("schedule '" + s.name() + "' names user '" + u + "', who is not in users");
      });
    }
  }

  void apply(Handle h, List<ConfigDocument.Schedule> want) {
    Map<String, ScheduleRow> stored = schedules.page(h, ALL).items().stream()
        .collect(Collectors.toMap(ScheduleRow::name, Function.identity()));
    Set<String> wanted = new HashSet<>();
    for (ConfigDocument.Schedule s : want) {
      wanted.add(s.name());
      LocalTime t = LocalTime.parse(s.handoverTime());
      ScheduleRow row = new ScheduleRow(0, s.name(), s.timeZone(),
          DayOfWeek.valueOf(s.handoverDay().toUpperCase(Locale.ROOT)).getValue(), t.getHour() * 60 + t.getMinute(),
          s.startsOn(), s.description(), s.users());
      ScheduleRow cur = stored.get(s.name());
      if (cur == null) {
        schedules.create(h, row);
      } else {
        schedules.update(h, cur.id(), row);
      }
    }
    stored.values().stream().filter(s -> !wanted.contains(s.name())).forEach(s -> schedules.delete(h, s.id()));
  }
}
