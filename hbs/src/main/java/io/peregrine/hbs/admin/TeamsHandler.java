package io.peregrine.hbs.admin;

import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.TeamRepository;
import io.peregrine.hbs.store.TeamRow;
import io.peregrine.hbs.store.UserRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/v1/teams}: teams and their users (Open-Falcon's uic). POST creates a team with users; POST
 * {id}/users adds users to a team. A user is known by name: naming an existing user updates their contacts.
 */
final class TeamsHandler extends ApiHandler {
  static final int MAX_USERS_PER_CALL = 1_000;

  private final TeamRepository teams;

  TeamsHandler(Database db, Runnable onChange) {
    super("/api/v1/teams", db, onChange);
    this.teams = new TeamRepository(db.userTable());
  }

  @Override
  Reply route(ApiRequest r) throws IOException {
    if (r.is("GET", 0)) {
      return Reply.ok(db.tx(teams::list));
    }
    if (r.is("GET", 1)) {
      long id = r.id(0, "team");
      return Reply.ok(find(id));
    }
    if (r.is("POST", 0)) {
      JsonBody body = r.body();
      String name = body.text("name", 64);
      if (name.contains(",")) {
        throw ApiException.badField("name", "must not contain ',' (actions list teams separated by commas)");
      }
      String resume = body.text("resume", "", 255);
      List<UserRow> users = users(body);
      body.finish();
      long id = db.tx(h -> {
        long team = teams.create(h, name, resume);
        users.forEach(u -> teams.addMember(h, team, teams.upsertUser(h, u)));
        return team;
      });
      return Reply.created(find(id));
    }
    if (r.is("POST", 2, "users")) {
      long id = r.id(0, "team");
      JsonBody body = r.body();
      List<UserRow> users = users(body);
      body.finish();
      find(id);
      db.tx(h -> {
        users.forEach(u -> teams.addMember(h, id, teams.upsertUser(h, u)));
        return null;
      });
      return Reply.ok(find(id));
    }
    throw notAllowed(r);
  }

  private TeamRow find(long id) {
    return db.tx(teams::list).stream().filter(t -> t.id() == id).findFirst()
        .orElseThrow(() -> ApiException.notFound("team " + id));
  }

  private static List<UserRow> users(JsonBody body) {
    List<UserRow> out = new ArrayList<>();
    for (JsonBody u : body.objects("users", MAX_USERS_PER_CALL)) {
      out.add(new UserRow(0, u.text("name", 64), u.text("cnname", "", 128), u.text("email", "", 255),
          u.text("phone", "", 32), u.text("im", "", 64)));
      u.finish();
    }
    return out;
  }
}
