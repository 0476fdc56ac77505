package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.UserRepository;
import io.peregrine.hbs.store.UserRow;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/users}: the people alerts reach (Open-Falcon's uic {@code user}), without logins for now. Names are
 * unique (409); deleting a user removes them from their teams.
 */
final class UsersApi extends Resource {
  record UserBody(@NotBlank(message = "is required") @Size(max = 64) String name, @Size(max = 128) String cnname,
      @Size(max = 255) String email, @Size(max = 32) String phone, @Size(max = 64) String im) {
    static UserBody of(UserRow u) {
      return new UserBody(u.name(), u.cnname(), u.email(), u.phone(), u.im());
    }

    UserRow row() {
      return new UserRow(0, name, HostsApi.orEmpty(cnname), HostsApi.orEmpty(email), HostsApi.orEmpty(phone),
          HostsApi.orEmpty(im));
    }
  }

  private final UserRepository users;

  UsersApi(Database db, Bodies bodies) {
    super(db, bodies);
    this.users = new UserRepository(db.userTable());
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/users", ctx -> {
      Filter f = new Filter().prefix("u.name", Lists.textParam(ctx, "namePrefix", 64));
      Listing l = Lists.listing(ctx, f, Map.of("name", "u.name", "id", "u.id"), "name", "u.id", Set.of("namePrefix"));
      ctx.json(Lists.answer(ctx, l, db.tx(h -> users.page(h, l))));
    });
    r.post("/api/v1/users", ctx -> {
      UserRow u = bodies.read(ctx, UserBody.class).row();
      long id = db.tx(h -> users.create(h, u));
      created(ctx, find(id));
    });
    r.get("/api/v1/users/{id}", ctx -> ctx.json(find(id(ctx))));
    r.put("/api/v1/users/{id}", ctx -> update(ctx, id(ctx), bodies.read(ctx, UserBody.class).row()));
    r.patch("/api/v1/users/{id}", ctx -> {
      long id = id(ctx);
      update(ctx, id, bodies.patch(ctx, UserBody.of(find(id)), UserBody.class).row());
    });
    r.delete("/api/v1/users/{id}", ctx -> {
      long id = id(ctx);
      require(db.tx(h -> users.delete(h, id)), "user", id);
      ctx.json(deleted(id));
    });
  }

  private void update(Context ctx, long id, UserRow u) {
    require(db.tx(h -> users.update(h, id, u)), "user", id);
    ctx.json(find(id));
  }

  private UserRow find(long id) {
    return found(db.tx(h -> users.find(h, id)), "user", id);
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "user");
  }
}
