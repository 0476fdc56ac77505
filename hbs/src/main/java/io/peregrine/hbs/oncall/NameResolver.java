package io.peregrine.hbs.oncall;

import io.peregrine.hbs.store.ScheduleRepository;
import io.peregrine.hbs.store.ScheduleRow;
import io.peregrine.hbs.store.TeamRepository;
import io.peregrine.hbs.store.UserRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Who a list of names reaches at one moment: a name of a team is its users; a name of a schedule is the user on
 * call then (an override or the rotation). A team wins over a schedule of the same name (hbs refuses to make such
 * a schedule). Anything that reaches nobody is a problem, reported beside the users rather than dropped: a
 * schedule with nobody on call, an on-call name that is no longer a user, a name that is neither. Used wherever
 * something names "a team" (an action's uic, escalation steps), so a schedule can stand in everywhere.
 */
public final class NameResolver {
  /** How far back overrides are read for an answer (to find when the current stretch began). */
  static final long LOOKBACK_SECONDS = 31L * 24 * 3600;
  /** Overrides read per schedule per answer (more than may be live at once). */
  static final int MAX_OVERRIDES_READ = 2 * ScheduleRules.MAX_LIVE_OVERRIDES;

  private final TeamRepository teams;
  private final ScheduleRepository schedules;

  public NameResolver(String userTable) {
    this.teams = new TeamRepository(userTable);
    this.schedules = new ScheduleRepository(userTable);
  }

  /**
   * @param users each once, sorted by name
   * @param problems why some name reaches nobody, one sentence each
   * @param validUntil unix seconds of the earliest hand-over among the named schedules, after which the answer
   *     changes; 0 when no schedule is named
   */
  public record Resolution(List<UserRow> users, List<String> problems, long validUntil) {
  }

  public Resolution resolve(Handle h, List<String> names, long now) {
    List<String> teamNames = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (String n : names) {
      (teams.idOf(h, n).isPresent() ? teamNames : rest).add(n);
    }
    Map<String, UserRow> users = new LinkedHashMap<>();
    teams.usersOfTeams(h, teamNames).forEach(u -> users.putIfAbsent(u.name(), u));
    List<String> problems = new ArrayList<>();
    long validUntil = 0;
    Map<String, ScheduleRow> found = schedules.byNames(h, rest);
    for (String n : rest) {
      ScheduleRow s = found.get(n);
      if (s == null) {
        problems.add("'" + n + "' is neither a team nor a schedule");
        continue;
      }
      OnCall.Slot slot = onCall(h, s, now).at(now);
      if (slot.until() > 0) {
        validUntil = validUntil == 0 ? slot.until() : Math.min(validUntil, slot.until());
      }
      if (slot.user() == null) {
        problems.add("schedule '" + n + "' has nobody on call at " + Instant.ofEpochSecond(now)
            + (s.users().isEmpty() ? " (no users and no override)" : " (before its first hand-over and no override)"));
        continue;
      }
      UserRow u = schedules.users(h, List.of(slot.user())).get(slot.user());
      if (u == null) {
        problems.add("schedule '" + n + "': '" + slot.user() + "' is on call at " + Instant.ofEpochSecond(now)
            + " but is not a user any more");
      } else {
        users.putIfAbsent(u.name(), u);
      }
    }
    List<UserRow> sorted = users.values().stream().sorted(Comparator.comparing(UserRow::name)).toList();
    return new Resolution(sorted, problems, validUntil);
  }

  /** The schedule's rotation with the overrides that matter around {@code at}. */
  public OnCall onCall(Handle h, ScheduleRow s, long at) {
    return new OnCall(s.rotation(), schedules.overrides(h, s.id(), at - LOOKBACK_SECONDS, MAX_OVERRIDES_READ));
  }
}
