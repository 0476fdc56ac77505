package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.auth.Role;
import io.peregrine.hbs.auth.Secrets;
import io.peregrine.hbs.auth.TokenStore;
import io.peregrine.hbs.store.AccountRow;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.UserRepository;
import io.peregrine.hbs.store.UserRow;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * {@code /api/v1/users}: the people alerts reach (Open-Falcon's uic {@code user}) and who may sign in. Names are
 * unique (409); deleting a user removes them from their teams and revokes their tokens. Writes need scope
 * {@code admin}; the last admin who can sign in cannot be demoted or deleted (409).
 */
final class UsersApi extends Resource {
  /** A user's contacts, as team bodies name them too (without a role: only this resource sets roles). */
  record UserBody(@NotBlank(message = "is required") @Size(max = 64) String name, @Size(max = 128) String cnname,
      @Size(max = 255) String email, @Size(max = 32) String phone, @Size(max = 64) String im) {
    UserRow row() {
      return new UserRow(0, name, HostsApi.orEmpty(cnname), HostsApi.orEmpty(email), HostsApi.orEmpty(phone),
          HostsApi.orEmpty(im));
    }
  }

  /** The write form of {@code /api/v1/users}: contacts and the role (omitted: unchanged, viewer for a new user). */
  record AccountBody(@NotBlank(message = "is required") @Size(max = 64) String name, @Size(max = 128) String cnname,
      @Size(max = 255) String email, @Size(max = 32) String phone, @Size(max = 64) String im,
      @Pattern(regexp = "viewer|editor|admin", message = "must be one of viewer, editor, admin") String role) {
    static AccountBody of(UserView u) {
      return new AccountBody(u.name(), u.cnname(), u.email(), u.phone(), u.im(), u.role());
    }

    UserRow row() {
      return new UserBody(name, cnname, email, phone, im).row();
    }
  }

  /** A user as answered: contacts, role, and whether they have a password. */
  record UserView(long id, String name, String cnname, String email, String phone, String im, String role,
      boolean hasPassword) {
  }

  record PasswordBody(@NotNull(message = "is required") @Size(max = 200) String password) {
  }

  private final UserRepository users;
  private final TokenStore tokens;

  UsersApi(Database db, Bodies bodies, TokenStore tokens) {
    super(db, bodies);
    this.users = new UserRepository(db.userTable());
    this.tokens = tokens;
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/users", ctx -> {
      Filter f = new Filter().prefix("u.name", Lists.textParam(ctx, "namePrefix", 64));
      Listing l = Lists.listing(ctx, f, Map.of("name", "u.name", "id", "u.id"), "name", "u.id", Set.of("namePrefix"));
      var page = db.tx(h -> users.accounts(h, l));
      ctx.json(Lists.answer(ctx, l, page).stream().map(UsersApi::view).toList());
    });
    r.post("/api/v1/users", ctx -> {
      AccountBody b = bodies.read(ctx, AccountBody.class);
      long id = db.tx(h -> {
        long created = users.create(h, b.row());
        if (b.role() != null) {
          users.setRole(h, created, Role.parse(b.role()));
        }
        return created;
      });
      created(ctx, find(id));
    });
    r.get("/api/v1/users/{id}", ctx -> ctx.json(find(id(ctx))));
    r.put("/api/v1/users/{id}", ctx -> update(ctx, id(ctx), bodies.read(ctx, AccountBody.class)));
    r.patch("/api/v1/users/{id}", ctx -> {
      long id = id(ctx);
      update(ctx, id, bodies.patch(ctx, AccountBody.of(find(id)), AccountBody.class));
    });
    r.delete("/api/v1/users/{id}", ctx -> {
      long id = id(ctx);
      db.tx(h -> {
        keepAnAdmin(h, id, "deleted");
        require(users.delete(h, id), "user", id);
        return null;
      });
      ctx.json(deleted(id));
    });
    r.put("/api/v1/users/{id}/password", ctx -> {
      long id = id(ctx);
      PasswordBody b = bodies.read(ctx, PasswordBody.class);
      String problem = Secrets.passwordProblem(b.password());
      if (problem != null) {
        throw ApiException.badField("password", problem);
      }
      require(db.tx(h -> tokens.setPassword(h, id, b.password())), "user", id);
      ctx.json(find(id));
    });
  }

  private void update(Context ctx, long id, AccountBody b) {
    db.tx(h -> {
      if (b.role() != null && Role.parse(b.role()) != Role.ADMIN) {
        keepAnAdmin(h, id, "demoted");
      }
      require(users.update(h, id, b.row()), "user", id);
      if (b.role() != null) {
        users.setRole(h, id, Role.parse(b.role()));
      }
      return null;
    });
    ctx.json(find(id));
  }

  /** 409 when {@code id} is the last admin who can sign in: nobody could manage users after. */
  private void keepAnAdmin(Handle h, long id, String what) {
    if (users.role(h, id).orElse(Role.VIEWER) == Role.ADMIN && users.otherAdmins(h, id) == 0) {
      throw ApiException.conflict("user " + id + " is the last admin who can sign in and cannot be " + what
          + "; make another admin first");
    }
  }

  private static UserView view(AccountRow a) {
    UserRow u = a.user();
    return new UserView(u.id(), u.name(), u.cnname(), u.email(), u.phone(), u.im(), a.role().wire(),
        a.hasPassword());
  }

  private UserView find(long id) {
    return view(found(db.tx(h -> users.account(h, id)), "user", id));
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "user");
  }
}
