package io.peregrine.hbs.oncall;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a schedule and an override may say, checked before they are stored. Each problem names its field
 * ({@code users[2]}). Limits: a name of 1..{@value #MAX_NAME_LENGTH} characters without ',' (actions list names
 * separated by commas) or control characters; at most {@value #MAX_USERS} users in a rotation; a start date within
 * {@value #FIRST_YEAR}..{@value #LAST_YEAR}; a description of at most {@value #MAX_DESCRIPTION_LENGTH} characters;
 * an override of at most {@value #MAX_OVERRIDE_SECONDS} seconds (a year) with a comment of at most
 * {@value #MAX_COMMENT_LENGTH}; at most {@value #MAX_SCHEDULES} schedules and {@value #MAX_LIVE_OVERRIDES}
 * overrides not yet ended per schedule.
 */
public final class ScheduleRules {
  public static final int MAX_NAME_LENGTH = 64;
  public static final int MAX_USERS = 100;
  public static final int MAX_DESCRIPTION_LENGTH = 255;
  public static final int MAX_COMMENT_LENGTH = 1024;
  public static final long MAX_OVERRIDE_SECONDS = 366L * 24 * 3600;
  public static final int MAX_SCHEDULES = 1_000;
  public static final int MAX_LIVE_OVERRIDES = 1_000;
  public static final int FIRST_YEAR = 2000;
  public static final int LAST_YEAR = 2100;

  /** One bad field and what is wrong with it. */
  public record Problem(String field, String message) {
  }

  private ScheduleRules() {}

  /** A name an action's uic can hold; null when it is one, else what is wrong. */
  public static String nameProblem(String name) {
    if (name == null || name.isBlank()) {
      return "is required";
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return "is " + name.length() + " characters long; at most " + MAX_NAME_LENGTH;
    }
    if (name.contains(",") || !name.equals(name.trim()) || name.chars().anyMatch(Character::isISOControl)) {
      return "must not contain ',', control characters or surrounding spaces (actions list names separated by "
          + "commas), got '" + name + "'";
    }
    return null;
  }

  public static List<Problem> checkName(String name) {
    String p = nameProblem(name);
    return p == null ? List.of() : List.of(new Problem("name", p));
  }

  /** The zone id, or a problem for {@code timeZone}. */
  public static ZoneId zone(String timeZone, List<Problem> out) {
    if (timeZone == null || timeZone.isBlank()) {
      out.add(new Problem("timeZone", "is required (an IANA zone id such as Europe/Berlin, or UTC)"));
      return null;
    }
    try {
      return ZoneId.of(timeZone);
    } catch (DateTimeException e) {
      out.add(new Problem("timeZone", "'" + timeZone + "' is not a time zone (use an IANA zone id such as "
          + "Europe/Berlin or America/New_York, or UTC): " + e.getMessage()));
      return null;
    }
  }

  public static DayOfWeek day(String day, List<Problem> out) {
    if (day == null || day.isBlank()) {
      out.add(new Problem("handoverDay", "is required (monday..sunday)"));
      return null;
    }
    try {
      return DayOfWeek.valueOf(day.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      out.add(new Problem("handoverDay", "must be monday, tuesday, wednesday, thursday, friday, saturday or "
          + "sunday, got '" + day + "'"));
      return null;
    }
  }

  public static LocalTime time(String time, List<Problem> out) {
    if (time == null || !time.matches("\\d{2}:\\d{2}")) {
      out.add(new Problem("handoverTime", "must be HH:mm (00:00..23:59, local time in timeZone), got "
          + (time == null ? "nothing" : "'" + time + "'")));
      return null;
    }
    try {
      return LocalTime.parse(time);
    } catch (DateTimeParseException e) {
      out.add(new Problem("handoverTime", "must be HH:mm within 00:00..23:59, got '" + time + "'"));
      return null;
    }
  }

  public static LocalDate startsOn(String date, List<Problem> out) {
    try {
      LocalDate d = LocalDate.parse(date == null ? "" : date);
      if (d.getYear() >= FIRST_YEAR && d.getYear() <= LAST_YEAR) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // answered below
    }
    out.add(new Problem("startsOn", "must be a date yyyy-mm-dd within " + FIRST_YEAR + ".." + LAST_YEAR
        + " (the first hand-over is the first handoverDay on or after it), got "
        + (date == null ? "nothing" : "'" + date + "'")));
    return null;
  }

  /** Problems of the rotation's user list; {@code known} holds the names that are users. */
  public static void users(List<String> users, List<String> known, List<Problem> out) {
    if (users == null) {
      return;
    }
    if (users.size() > MAX_USERS) {
      out.add(new Problem("users", "has " + users.size() + " users; at most " + MAX_USERS));
      return;
    }
    for (int i = 0; i < users.size(); i++) {
      String u = users.get(i);
      if (u == null || u.isBlank()) {
        out.add(new Problem("users[" + i + "]", "is empty"));
      } else if (!known.contains(u)) {
        out.add(new Problem("users[" + i + "]", "'" + u + "' is not a user (create it with POST /api/v1/users "
            + "or in a team)"));
      }
    }
  }

  public static void description(String description, List<Problem> out) {
    if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
      out.add(new Problem("description", "is " + description.length() + " characters long; at most "
          + MAX_DESCRIPTION_LENGTH));
    }
  }

  /** Problems of an override's user, window and comment; {@code userKnown} whether the user exists. */
  public static List<Problem> override(String user, boolean userKnown, Long startsAt, Long endsAt, String comment,
      long now) {
    List<Problem> out = new ArrayList<>();
    if (user == null || user.isBlank()) {
      out.add(new Problem("user", "is required"));
    } else if (!userKnown) {
      out.add(new Problem("user", "'" + user + "' is not a user"));
    }
    if (startsAt == null || startsAt < 0) {
      out.add(new Problem("startsAt", "is required (unix seconds, not negative)"));
    }
    if (endsAt == null) {
      out.add(new Problem("endsAt", "is required (unix seconds)"));
    } else if (startsAt != null) {
      if (endsAt <= startsAt) {
        out.add(new Problem("endsAt", "must be after startsAt (" + startsAt + "), got " + endsAt));
      } else if (endsAt - startsAt > MAX_OVERRIDE_SECONDS) {
        out.add(new Problem("endsAt", "is more than " + MAX_OVERRIDE_SECONDS + " s (a year) after startsAt"));
      } else if (endsAt <= now) {
        out.add(new Problem("endsAt", "is in the past (" + endsAt + " <= now " + now + "); an override that ended "
            + "changes nothing"));
      }
    }
    if (comment != null && comment.length() > MAX_COMMENT_LENGTH) {
      out.add(new Problem("comment", "is " + comment.length() + " characters long; at most " + MAX_COMMENT_LENGTH));
    }
    return out;
  }
}
