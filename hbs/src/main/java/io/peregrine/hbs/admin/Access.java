package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.auth.Principal;
import io.peregrine.hbs.auth.Scope;
import io.peregrine.hbs.auth.TokenVerifier;
import io.peregrine.hbs.console.ConsoleSession;
import java.util.Optional;

/**
 * Who may call which admin route, checked before every {@code /api/*} handler. Open: {@code POST /api/v1/auth/login}
 * and {@code GET /api/v1/openapi.yaml} (and {@code /health}, {@code /metrics}, which are outside {@code /api}).
 * Any valid token: {@code /api/v1/auth/*} and {@code /api/v1/tokens*} (the handlers limit a caller to their own
 * tokens unless they hold {@code admin}). Scope {@code admin}: every write under {@code /api/v1/users} and all of
 * {@code /api/v1/audit}. Otherwise {@code GET} needs {@code read} and every other method {@code write}.
 * No token, or one unknown, revoked or expired, answers 401; a token without the scope 403. The console's session
 * cookie ({@link ConsoleSession}) stands for a bearer token; a write made with it also needs its CSRF token (403).
 */
final class Access {
  static final String PRINCIPAL = "hbs.principal";
  /** The secret that proved {@link #PRINCIPAL}: the console's logout ends that session. */
  static final String TOKEN = "hbs.token";

  /** What a route needs: a scope, or (null) only a valid token. */
  record Need(boolean open, Scope scope) {
    static final Need OPEN = new Need(true, null);
    static final Need SIGNED_IN = new Need(false, null);
  }

  private final TokenVerifier verifier;

  Access(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  static Need need(String method, String path) {
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    boolean get = method.equals("GET") || method.equals("HEAD");
    if ((method.equals("POST") && p.equals("/api/v1/auth/login")) || (get && p.equals("/api/v1/openapi.yaml"))) {
      return Need.OPEN;
    }
    if (under(p, "/api/v1/auth") || under(p, "/api/v1/tokens")) {
      return Need.SIGNED_IN;
    }
    if (under(p, "/api/v1/audit") || (!get && under(p, "/api/v1/users"))) {
      return new Need(false, Scope.ADMIN);
    }
    return new Need(false, get ? Scope.READ : Scope.WRITE);
  }

  private static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  /** The before-handler: sets {@link #PRINCIPAL} or refuses the request. */
  void check(Context ctx) {
    Need need = need(ctx.method().name(), ctx.path());
    if (need.open()) {
      return;
    }
    Principal principal = authenticate(ctx);
    if (need.scope() != null && !principal.allows(need.scope())) {
      throw forbidden(ctx, principal, need.scope());
    }
  }

  /**
   * The caller, from a bearer token or else the console's session cookie, set as {@link #PRINCIPAL}; 401 without
   * either or when it is not valid, 403 when the cookie came on a write without the session's CSRF token.
   */
  Principal authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String token;
    boolean cookie = false;
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = header.substring(7).trim();
    } else if (ctx.cookie(ConsoleSession.COOKIE) != null && !ctx.cookie(ConsoleSession.COOKIE).isEmpty()) {
      token = ctx.cookie(ConsoleSession.COOKIE);
      cookie = true;
    } else {
      throw unauthorized(ctx, "authentication required: send 'Authorization: Bearer <token>' (a token from "
          + "POST /api/v1/tokens, or a session from POST /api/v1/auth/login)");
    }
    Optional<Principal> p = verifier.verify(token);
    if (p.isEmpty()) {
      throw unauthorized(ctx, cookie ? "the console session has expired or was ended: log in again"
          : "the bearer token is unknown, revoked or expired");
    }
    String method = ctx.method().name();
    if (cookie && !(method.equals("GET") || method.equals("HEAD"))
        && !ConsoleSession.csrfMatches(token, ctx.header(ConsoleSession.CSRF_HEADER))) {
      throw new ApiException(403, "CSRF token missing or wrong: a write with the console's session cookie must "
          + "send the session's token in " + ConsoleSession.CSRF_HEADER);
    }
    ctx.attribute(PRINCIPAL, p.get());
    ctx.attribute(TOKEN, token);
    return p.get();
  }

  static ApiException forbidden(Context ctx, Principal principal, Scope needed) {
    return new ApiException(403, ctx.method().name() + " " + ctx.path() + " needs scope '" + needed.wire()
        + "'; this token has " + (principal.scopes().isEmpty() ? "no scope"
        : "scopes " + Scope.toList(principal.scopes()).replace(",", ", ")) + " (user '"
        + principal.user() + "', role " + principal.role().wire() + ")");
  }

  /** The caller of a route that is not open; set by {@link #check}. */
  static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null) {
      throw new IllegalStateException("no principal on " + ctx.path() + ": the route is open");
    }
    return p;
  }

  private static ApiException unauthorized(Context ctx, String message) {
    ctx.header("WWW-Authenticate", "Bearer realm=\"hbs\"");
    return new ApiException(401, message);
  }
}
