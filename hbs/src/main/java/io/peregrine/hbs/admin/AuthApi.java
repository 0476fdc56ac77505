package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.auth.LoginThrottle;
import io.peregrine.hbs.auth.Principal;
import io.peregrine.hbs.auth.Role;
import io.peregrine.hbs.auth.Scope;
import io.peregrine.hbs.auth.Secrets;
import io.peregrine.hbs.auth.TokenRow;
import io.peregrine.hbs.auth.TokenStore;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.UserRepository;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Signing in and tokens: {@code /api/v1/auth/login|logout|me|password} and {@code /api/v1/tokens}. A token's scopes
 * must be granted by its user's role and held by the caller (a read-only token cannot make a write token); only
 * {@code admin} makes, lists or revokes other users' tokens. Secrets are answered once, at creation.
 */
final class AuthApi extends Resource {
  /** Ten years: long enough for any script, short enough that "never" is a choice (0) and not an accident. */
  static final long MAX_EXPIRES_IN_SECONDS = 10L * 365 * 24 * 3600;

  record LoginBody(@NotBlank(message = "is required") @Size(max = 64) String name,
      @NotNull(message = "is required") @Size(max = 200) String password) {
  }

  record PasswordBody(@NotNull(message = "is required") @Size(max = 200) String currentPassword,
      @NotNull(message = "is required") @Size(max = 200) String newPassword) {
  }

  record TokenBody(@NotBlank(message = "is required") @Size(max = 64) String name,
      @NotEmpty(message = "is required (some of read, write, admin, push, enroll)") @Size(max = 5) List<String> scopes,
      @PositiveOrZero @Max(MAX_EXPIRES_IN_SECONDS) Long expiresInSeconds, @PositiveOrZero Long userId) {
  }

  private final TokenStore tokens;
  private final UserRepository users;

  private final LoginThrottle throttle;

  AuthApi(Database db, Bodies bodies, TokenStore tokens, LoginThrottle throttle) {
    super(db, bodies);
    this.tokens = tokens;
    this.throttle = throttle;
    this.users = new UserRepository(db.userTable());
  }

  @Override
  void routes(Routes r) {
    r.post("/api/v1/auth/login", this::login);
    r.post("/api/v1/auth/logout", ctx -> {
      Principal p = Access.principal(ctx);
      db.tx(h -> tokens.delete(h, p.tokenId()));
      ctx.json(Map.of("revoked", p.tokenId()));
    });
    r.get("/api/v1/auth/me", ctx -> ctx.json(me(Access.principal(ctx))));
    r.put("/api/v1/auth/password", ctx -> {
      Principal p = Access.principal(ctx);
      PasswordBody b = bodies.read(ctx, PasswordBody.class);
      String problem = Secrets.passwordProblem(b.newPassword());
      if (problem != null) {
        throw ApiException.badField("newPassword", problem);
      }
      String hash = db.tx(h -> users.passwordHash(h, p.userId())).orElse(null);
      if (!Secrets.passwordMatches(b.currentPassword(), hash)) {
        throw ApiException.badField("currentPassword", "is not the user's password");
      }
      db.tx(h -> tokens.setPassword(h, p.userId(), b.newPassword()));
      ctx.json(Map.of("changed", true));
    });
    r.get("/api/v1/tokens", ctx -> {
      Principal p = Access.principal(ctx);
      Long only = Lists.longParam(ctx, "userId");
      long userId = p.allows(Scope.ADMIN) ? (only == null ? 0 : only) : p.userId();
      ctx.json(db.tx(h -> tokens.list(h, userId)));
    });
    r.post("/api/v1/tokens", this::createToken);
    r.get("/api/v1/tokens/{id}", ctx -> ctx.json(visibleToken(ctx)));
    r.delete("/api/v1/tokens/{id}", ctx -> {
      TokenRow t = visibleToken(ctx);
      db.tx(h -> tokens.delete(h, t.id()));
      ctx.json(deleted(t.id()));
    });
  }

  private void login(Context ctx) {
    LoginBody b = bodies.read(ctx, LoginBody.class);
    String address = ctx.ip(); // the peer's address: a proxy in front makes every login one address
    OptionalLong wait = throttle.retryAfter(b.name(), address);
    if (wait.isPresent()) {
      ctx.header("Retry-After", Long.toString(wait.getAsLong()));
      throw new ApiException(429, "too many failed logins for this user or from this address; try again in "
          + wait.getAsLong() + " s");
    }
    Optional<TokenStore.Created> signedIn = tokens.login(b.name(), b.password());
    if (signedIn.isEmpty()) {
      throttle.failed(b.name(), address);
      throw new ApiException(401, "name or password is wrong");
    }
    throttle.succeeded(b.name());
    TokenStore.Created session = signedIn.get();
    Principal p = tokens.verify(session.token()).orElseThrow();
    ctx.attribute(Access.PRINCIPAL, p); // for the audit log: the login is recorded under the user's name
    Map<String, Object> out = new LinkedHashMap<>(me(p));
    out.put("token", session.token());
    out.put("expiresAt", session.row().expiresAt());
    ctx.json(out);
  }

  private void createToken(Context ctx) {
    Principal p = Access.principal(ctx);
    TokenBody b = bodies.read(ctx, TokenBody.class);
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String s : b.scopes()) {
      try {
        scopes.add(Scope.parse(s));
      } catch (IllegalArgumentException e) {
        throw ApiException.badField("scopes", e.getMessage());
      }
    }
    long userId = b.userId() == null || b.userId() == 0 ? p.userId() : b.userId();
    if (userId != p.userId() && !p.allows(Scope.ADMIN)) {
      throw new ApiException(403, "only a token with scope 'admin' makes tokens for other users");
    }
    for (Scope s : scopes) {
      if (!p.allows(s)) {
        throw new ApiException(403, "this token cannot hand out scope '" + s.wire() + "', which it does not have");
      }
    }
    long expiresIn = b.expiresInSeconds() == null ? 0 : b.expiresInSeconds();
    TokenStore.Created created = db.tx(h -> {
      Role role = users.role(h, userId).orElseThrow(() -> ApiException.badField("userId", "names no user: "
          + userId));
      for (Scope s : scopes) {
        if (!role.grants().contains(s)) {
          throw ApiException.badField("scopes", "holds '" + s.wire() + "', which role " + role.wire()
              + " does not grant (it grants " + Scope.toList(role.grants()) + ")");
        }
      }
      return tokens.create(h, userId, b.name(), scopes, TokenStore.KIND_API,
          expiresIn == 0 ? 0 : clockSeconds() + expiresIn);
    });
    Map<String, Object> out = new LinkedHashMap<>(bodies.json().convertValue(created.row(), Map.class));
    out.put("token", created.token());
    created(ctx, out);
  }

  private long clockSeconds() {
    return tokens.nowSeconds();
  }

  /** The token of the path, when the caller may see it (their own, or any with admin); else 404. */
  private TokenRow visibleToken(Context ctx) {
    Principal p = Access.principal(ctx);
    long id = id(ctx, "id", "token");
    return db.tx(h -> tokens.find(h, id)).filter(t -> t.userId() == p.userId() || p.allows(Scope.ADMIN))
        .orElseThrow(() -> ApiException.notFound("token " + id));
  }

  private static Map<String, Object> me(Principal p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("userId", p.userId());
    out.put("user", p.user());
    out.put("role", p.role().wire());
    out.put("tokenId", p.tokenId());
    out.put("scopes", p.scopes().stream().sorted().map(Scope::wire).toList());
    return out;
  }
}
