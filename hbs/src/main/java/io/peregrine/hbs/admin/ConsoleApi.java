package io.peregrine.hbs.admin;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.peregrine.hbs.auth.LoginThrottle;
import io.peregrine.hbs.auth.Principal;
import io.peregrine.hbs.auth.TokenStore;
import io.peregrine.hbs.console.ConsoleConfig;
import io.peregrine.hbs.console.ConsoleSession;
import io.peregrine.hbs.store.Database;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The console's sign-in: {@code POST /console/api/login} (name and password, as {@code /api/v1/auth/login}, same
 * throttle) answers the user, role and CSRF token and sets the session cookie; {@code GET /console/api/session}
 * answers the same for the cookie's session (so a reloaded page needs no new login); {@code POST
 * /console/api/logout} ends the session (the token is deleted) and clears the cookie. Sessions are hbs session
 * tokens lasting {@code hbs.console.sessionLifetime}.
 */
final class ConsoleApi {
  private final Database db;
  private final Bodies bodies;
  private final TokenStore tokens;
  private final LoginThrottle throttle;
  private final ConsoleConfig config;
  private final boolean secure;

  ConsoleApi(Database db, Bodies bodies, TokenStore tokens, LoginThrottle throttle, ConsoleConfig config,
      boolean secure) {
    this.db = db;
    this.bodies = bodies;
    this.tokens = tokens;
    this.throttle = throttle;
    this.config = config;
    this.secure = secure;
  }

  void routes(Javalin app) {
    app.post("/console/api/login", this::login);
    app.get("/console/api/session", ctx -> ctx.json(session(Access.principal(ctx), ctx.attribute(Access.TOKEN),
        null)));
    app.post("/console/api/logout", ctx -> {
      Principal p = Access.principal(ctx);
      db.tx(h -> tokens.delete(h, p.tokenId()));
      ctx.header("Set-Cookie", ConsoleSession.clearCookie(secure));
      ctx.json(Map.of("loggedOut", true));
    });
  }

  private void login(Context ctx) {
    AuthApi.LoginBody b = bodies.read(ctx, AuthApi.LoginBody.class);
    String address = ctx.ip();
    OptionalLong wait = throttle.retryAfter(b.name(), address);
    if (wait.isPresent()) {
      ctx.header("Retry-After", Long.toString(wait.getAsLong()));
      throw new ApiException(429, "too many failed logins for this user or from this address; try again in "
          + wait.getAsLong() + " s");
    }
    var signedIn = tokens.login(b.name(), b.password(), config.sessionLifetime().toSeconds(), "console");
    if (signedIn.isEmpty()) {
      throttle.failed(b.name(), address);
      throw new ApiException(401, "name or password is wrong");
    }
    throttle.succeeded(b.name());
    String token = signedIn.get().token();
    Principal p = tokens.verify(token).orElseThrow();
    ctx.header("Set-Cookie", ConsoleSession.setCookie(token, config.sessionLifetime(), secure));
    ctx.json(session(p, token, signedIn.get().row().expiresAt()));
  }

  private Map<String, Object> session(Principal p, String token, Long expiresAt) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("user", p.user());
    out.put("role", p.role().wire());
    out.put("csrf", ConsoleSession.csrf(token));
    long expires = expiresAt != null ? expiresAt
        : db.tx(h -> tokens.find(h, p.tokenId())).map(t -> t.expiresAt()).orElse(0L);
    out.put("expiresAt", expires);
    return out;
  }
}
