package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.TeamRepository;
import io.peregrine.hbs.store.TeamRow;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * {@code /api/v1/teams}: teams and their users (Open-Falcon's uic). A user is known by name: naming an existing user
 * in a team's {@code users} updates their contacts. A team that an action's {@code uic} names cannot be deleted or
 * renamed (the action would silently reach nobody), nor may a team take an on-call schedule's name.
 */
final class TeamsApi extends Resource {
  static final int MAX_USERS_PER_CALL = 1_000;

  record TeamBody(@jakarta.validation.constraints.NotBlank(message = "is required") @Size(max = 64) String name,
      @Size(max = 255) String resume, @Size(max = MAX_USERS_PER_CALL) List<UsersApi.@Valid @NotNull UserBody> users) {
    static TeamBody of(TeamRow t) {
      return new TeamBody(t.name(), t.resume(), null);
    }

    TeamBody checked() {
      if (name.contains(",")) {
        throw ApiException.badField("name", "must not contain ',' (actions list teams separated by commas)");
      }
      return this;
    }
  }

  record UsersBody(@NotNull(message = "is required") @Size(max = MAX_USERS_PER_CALL)
      List<UsersApi.@Valid @NotNull UserBody> users) {
  }

  private final TeamRepository teams;
  private final ActionRepository actions = new ActionRepository();
  private final io.peregrine.hbs.store.ScheduleRepository schedules;

  TeamsApi(Database db, Bodies bodies) {
    super(db, bodies);
    this.teams = new TeamRepository(db.userTable());
    this.schedules = new io.peregrine.hbs.store.ScheduleRepository(db.userTable());
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/teams", ctx -> {
      Filter f = new Filter().prefix("name", Lists.textParam(ctx, "namePrefix", 64));
      Listing l = Lists.listing(ctx, f, Map.of("name", "name", "id", "id"), "name", "id", Set.of("namePrefix"));
      ctx.json(Lists.answer(ctx, l, db.tx(h -> teams.page(h, l))));
    });
    r.post("/api/v1/teams", ctx -> {
      TeamBody b = bodies.read(ctx, TeamBody.class).checked();
      long id = db.tx(h -> {
        refuseScheduleName(h, b.name());
        long team = teams.create(h, b.name(), HostsApi.orEmpty(b.resume()));
        addUsers(h, team, b.users());
        return team;
      });
      created(ctx, find(id));
    });
    r.get("/api/v1/teams/{id}", ctx -> ctx.json(find(id(ctx))));
    r.put("/api/v1/teams/{id}", ctx -> update(ctx, id(ctx), bodies.read(ctx, TeamBody.class).checked()));
    r.patch("/api/v1/teams/{id}", ctx -> {
      long id = id(ctx);
      update(ctx, id, bodies.patch(ctx, TeamBody.of(find(id)), TeamBody.class).checked());
    });
    r.delete("/api/v1/teams/{id}", ctx -> {
      long id = id(ctx);
      db.tx(h -> {
        TeamRow t = found(teams.find(h, id), "team", id);
        refuseIfNamed(h, t.name(), "deleted");
        return teams.delete(h, id);
      });
      ctx.json(deleted(id));
    });
    r.post("/api/v1/teams/{id}/users", ctx -> {
      long id = id(ctx);
      UsersBody b = bodies.read(ctx, UsersBody.class);
      find(id);
      db.tx(h -> {
        addUsers(h, id, b.users());
        return null;
      });
      ctx.json(find(id));
    });
    r.delete("/api/v1/teams/{id}/users/{userId}", ctx -> {
      long id = id(ctx);
      long userId = id(ctx, "userId", "user");
      if (!db.tx(h -> teams.removeMember(h, id, userId))) {
        throw ApiException.notFound("membership of user " + userId + " in team " + id);
      }
      ctx.json(find(id));
    });
  }

  /** PUT and PATCH: name and resume; {@code users}, when given, becomes the whole membership. */
  private void update(Context ctx, long id, TeamBody b) {
    db.tx(h -> {
      TeamRow t = found(teams.find(h, id), "team", id);
      if (!t.name().equals(b.name())) {
        refuseIfNamed(h, t.name(), "renamed");
        refuseScheduleName(h, b.name());
      }
      teams.update(h, id, b.name(), HostsApi.orEmpty(b.resume()));
      if (b.users() != null) {
        teams.removeMembers(h, id);
        addUsers(h, id, b.users());
      }
      return null;
    });
    ctx.json(find(id));
  }

  private void refuseIfNamed(Handle h, String team, String what) {
    List<Long> naming = actions.idsNamingTeam(h, team);
    if (!naming.isEmpty()) {
      throw ApiException.conflict("team '" + team + "' is named by action(s) " + naming + " and cannot be " + what
          + "; change their uic first");
    }
  }

  /** A team of a schedule's name would hide the schedule from every action naming it. */
  private void refuseScheduleName(Handle h, String name) {
    if (schedules.findByName(h, name).isPresent()) {
      throw ApiException.conflict("'" + name + "' is an on-call schedule's name; a team needs a name of its own");
    }
  }

  private void addUsers(Handle h, long team, List<UsersApi.UserBody> users) {
    if (users != null) {
      users.forEach(u -> teams.addMember(h, team, teams.upsertUser(h, u.row())));
    }
  }

  private TeamRow find(long id) {
    return found(db.tx(h -> teams.find(h, id)), "team", id);
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "team");
  }
}
