package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.oncall.NameResolver;
import io.peregrine.hbs.oncall.OnCall;
import io.peregrine.hbs.oncall.ScheduleOverride;
import io.peregrine.hbs.oncall.ScheduleRules;
import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.ScheduleRepository;
import io.peregrine.hbs.store.ScheduleRow;
import io.peregrine.hbs.store.TeamRepository;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * {@code /api/v1/schedules}: on-call schedules (docs/ALERTING.md, "On-call schedules"), which an action's
 * {@code uic} may name where it names a team. Reading needs {@code read}, writing {@code write}, as every admin
 * route ({@link Access}); every write is in the audit log. A schedule cannot take a team's name (the team would
 * win), and one named by an action cannot be deleted or renamed (the action would reach nobody). Overrides are
 * added and removed under {@code /overrides}; their author is the caller's user. {@code /oncall} answers who is on
 * call at a time and the next hand-overs.
 */
final class SchedulesApi extends Resource {
  static final int DEFAULT_NEXT = 5;
  static final int MAX_NEXT = 50;

  /** What a client sends for a schedule. */
  record ScheduleBody(String name, String timeZone, String handoverDay, String handoverTime, String startsOn,
      List<String> users, String description) {
  }

  /** What a client sends for an override; times are unix seconds, {@code startsAt} defaults to now. */
  record OverrideBody(String user, Long startsAt, Long endsAt, String comment) {
  }

  record OverrideView(long id, String user, long startsAt, long endsAt, String author, String comment,
      long createdAt) {
    static OverrideView of(ScheduleOverride o) {
      return new OverrideView(o.id(), o.user(), o.startsAt(), o.endsAt(), o.author(), o.comment(), o.createdAt());
    }
  }

  /** A schedule as clients read it, with its overrides not yet ended. */
  record ScheduleView(long id, String name, String timeZone, String handoverDay, String handoverTime,
      String startsOn, List<String> users, String description, List<OverrideView> overrides) {
  }

  /** One stretch on call: user null when nobody is; until 0 when nothing ever changes. */
  record SlotView(String user, long from, long until, String source, Long overrideId) {
    static SlotView of(OnCall.Slot s) {
      return new SlotView(s.user(), s.from(), s.until(), s.source(), s.overrideId() == 0 ? null : s.overrideId());
    }
  }

  record OnCallView(long scheduleId, String name, long at, SlotView onCall, String problem, List<SlotView> next) {
  }

  private final ScheduleRepository schedules;
  private final TeamRepository teams;
  private final ActionRepository actions = new ActionRepository();
  private final NameResolver resolver;
  private final Clock clock;

  SchedulesApi(Database db, Bodies bodies, Clock clock) {
    super(db, bodies);
    this.clock = clock;
    this.schedules = new ScheduleRepository(db.userTable());
    this.teams = new TeamRepository(db.userTable());
    this.resolver = new NameResolver(db.userTable());
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/schedules", ctx -> {
      Filter f = new Filter().prefix("name", Lists.textParam(ctx, "namePrefix", ScheduleRules.MAX_NAME_LENGTH));
      Listing l = Lists.listing(ctx, f, Map.of("name", "name", "id", "id"), "name", "id", Set.of("namePrefix"));
      long now = now();
      ctx.json(db.tx(h -> Lists.answer(ctx, l, schedules.page(h, l)).stream().map(s -> view(h, s, now)).toList()));
    });
    r.post("/api/v1/schedules", ctx -> {
      ScheduleBody b = bodies.read(ctx, ScheduleBody.class);
      long id = db.tx(h -> {
        ScheduleRow row = checked(h, b);
        refuseTeamName(h, row.name());
        if (schedules.findByName(h, row.name()).isPresent()) {
          throw ApiException.conflict("a schedule named '" + row.name() + "' exists already");
        }
        if (schedules.count(h) >= ScheduleRules.MAX_SCHEDULES) {
          throw ApiException.conflict(ScheduleRules.MAX_SCHEDULES + " schedules exist already; at most that many");
        }
        return schedules.create(h, row);
      });
      created(ctx, find(id));
    });
    r.get("/api/v1/schedules/{id}", ctx -> ctx.json(find(id(ctx))));
    r.put("/api/v1/schedules/{id}", ctx -> {
      long id = id(ctx);
      ScheduleBody b = bodies.read(ctx, ScheduleBody.class);
      db.tx(h -> {
        ScheduleRow cur = found(schedules.find(h, id), "schedule", id);
        ScheduleRow row = checked(h, b);
        if (!cur.name().equals(row.name())) {
          refuseIfNamed(h, cur.name(), "renamed");
          refuseTeamName(h, row.name());
          if (schedules.findByName(h, row.name()).isPresent()) {
            throw ApiException.conflict("a schedule named '" + row.name() + "' exists already");
          }
        }
        return schedules.update(h, id, row);
      });
      ctx.json(find(id));
    });
    r.delete("/api/v1/schedules/{id}", ctx -> {
      long id = id(ctx);
      db.tx(h -> {
        ScheduleRow s = found(schedules.find(h, id), "schedule", id);
        refuseIfNamed(h, s.name(), "deleted");
        return schedules.delete(h, id);
      });
      ctx.json(deleted(id));
    });
    r.get("/api/v1/schedules/{id}/oncall", ctx -> ctx.json(onCall(ctx, id(ctx))));
    r.post("/api/v1/schedules/{id}/overrides", ctx -> {
      long id = id(ctx);
      OverrideBody b = bodies.read(ctx, OverrideBody.class);
      long now = now();
      long startsAt = b.startsAt() == null ? now : b.startsAt();
      ScheduleOverride o = db.tx(h -> {
        found(schedules.find(h, id), "schedule", id);
        boolean known = b.user() != null && !schedules.knownUsers(h, List.of(b.user())).isEmpty();
        List<ScheduleRules.Problem> problems = ScheduleRules.override(b.user(), known, startsAt, b.endsAt(),
            b.comment(), now);
        if (!problems.isEmpty()) {
          throw bad(problems);
        }
        if (schedules.countLiveOverrides(h, id, now) >= ScheduleRules.MAX_LIVE_OVERRIDES) {
          throw ApiException.conflict("schedule " + id + " has " + ScheduleRules.MAX_LIVE_OVERRIDES + " overrides "
              + "not yet ended; delete some first");
        }
        ScheduleOverride row = new ScheduleOverride(0, id, b.user(), startsAt, b.endsAt(),
            Access.principal(ctx).user(), b.comment() == null ? "" : b.comment(), now);
        long oid = schedules.createOverride(h, row);
        return new ScheduleOverride(oid, id, row.user(), row.startsAt(), row.endsAt(), row.author(), row.comment(),
            now);
      });
      ctx.status(201).json(OverrideView.of(o));
    });
    r.delete("/api/v1/schedules/{id}/overrides/{overrideId}", ctx -> {
      long id = id(ctx);
      long oid = id(ctx, "overrideId", "override");
      if (!db.tx(h -> schedules.deleteOverride(h, id, oid))) {
        throw ApiException.notFound("override " + oid + " of schedule " + id);
      }
      ctx.json(deleted(oid));
    });
  }

  private OnCallView onCall(Context ctx, long id) {
    for (String p : ctx.queryParamMap().keySet()) {
      if (!p.equals("at") && !p.equals("next")) {
        throw ApiException.badField(p, "is not a query parameter of /oncall (it takes at, next)");
      }
    }
    long at = Lists.longParam(ctx, "at", now(), 0, 4_102_444_800L); // up to 2100-01-01
    int n = (int) Lists.longParam(ctx, "next", DEFAULT_NEXT, 0, MAX_NEXT);
    return db.tx(h -> {
      ScheduleRow s = found(schedules.find(h, id), "schedule", id);
      OnCall oc = resolver.onCall(h, s, at);
      OnCall.Slot slot = oc.at(at);
      String problem = slot.user() != null ? null : s.users().isEmpty()
          ? "nobody is on call: the schedule has no users and no override covers this time"
          : "nobody is on call: this is before the first hand-over and no override covers it";
      return new OnCallView(id, s.name(), at, SlotView.of(slot), problem,
          oc.next(at, n).stream().map(SlotView::of).toList());
    });
  }

  private ScheduleRow checked(Handle h, ScheduleBody b) {
    List<ScheduleRules.Problem> problems = new ArrayList<>(ScheduleRules.checkName(b.name()));
    ZoneId zone = ScheduleRules.zone(b.timeZone(), problems);
    DayOfWeek day = ScheduleRules.day(b.handoverDay(), problems);
    LocalTime time = ScheduleRules.time(b.handoverTime(), problems);
    LocalDate startsOn = ScheduleRules.startsOn(b.startsOn(), problems);
    List<String> users = b.users() == null ? List.of() : b.users();
    List<String> named = users.stream().filter(u -> u != null && !u.isBlank()).distinct().toList();
    ScheduleRules.users(users, users.size() > ScheduleRules.MAX_USERS ? List.of()
        : schedules.knownUsers(h, named), problems);
    ScheduleRules.description(b.description(), problems);
    if (!problems.isEmpty()) {
      throw bad(problems);
    }
    return new ScheduleRow(0, b.name(), zone.getId(), day.getValue(), time.getHour() * 60 + time.getMinute(),
        startsOn.toString(), b.description() == null ? "" : b.description(), users);
  }

  private static ApiException bad(List<ScheduleRules.Problem> problems) {
    return ApiException.badFields(problems.stream().map(p -> new ApiException.FieldError(p.field(),
        "field '" + p.field() + "' " + p.message())).toList());
  }

  private void refuseTeamName(Handle h, String name) {
    if (teams.idOf(h, name).isPresent()) {
      throw ApiException.conflict("'" + name + "' is a team's name; a schedule needs a name of its own (an "
          + "action's uic would reach the team)");
    }
  }

  private void refuseIfNamed(Handle h, String schedule, String what) {
    List<Long> naming = actions.idsNamingTeam(h, schedule);
    if (!naming.isEmpty()) {
      throw ApiException.conflict("schedule '" + schedule + "' is named by action(s) " + naming + " and cannot be "
          + what + "; change their uic first");
    }
  }

  private ScheduleView find(long id) {
    long now = now();
    return db.tx(h -> view(h, found(schedules.find(h, id), "schedule", id), now));
  }

  private ScheduleView view(Handle h, ScheduleRow s, long now) {
    return new ScheduleView(s.id(), s.name(), s.timeZone(), DayOfWeek.of(s.handoverDay()).name()
        .toLowerCase(Locale.ROOT), s.handoverTime(), s.startsOn(), s.users(), s.description(),
        schedules.overrides(h, s.id(), now, ScheduleRules.MAX_LIVE_OVERRIDES).stream().map(OverrideView::of)
            .toList());
  }

  private long now() {
    return clock.millis() / 1000;
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "schedule");
  }
}
