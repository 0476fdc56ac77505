package io.peregrine.hbs.auth;

import io.peregrine.hbs.store.Database;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Tokens in {@code api_token} (hashed: {@link Secrets#tokenHash}), passwords and roles in Open-Falcon's {@code user}
 * table. Every check reads the user's current role, so a demotion or a deleted user takes effect on the next
 * request: a request gets the scopes the role grants that one of the token's scopes covers. A token's {@code last_used_at} is written at most once a minute, so reads do not turn into writes.
 */
public final class TokenStore implements TokenVerifier {
  public static final String KIND_API = "api";
  public static final String KIND_SESSION = "session";
  /** How long a login's session token lasts. */
  public static final long SESSION_SECONDS = 12 * 3600;
  private static final long LAST_USED_RESOLUTION_SECONDS = 60;

  private final Database db;
  private final Clock clock;
  private final String userTable;
  private final RowMapper<TokenRow> mapper;

  /** A new token: its row and its secret, which is shown this once and never stored. */
  public record Created(TokenRow row, String token) {
  }

  private record Found(TokenRow row, Role role) {
  }

  private record Account(long id, String passwordHash, Role role) {
  }

  /** hbs's clock, which expiry (and the login throttle) reads. */
  public Clock clock() {
    return clock;
  }

  public TokenStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
    this.userTable = db.userTable();
    this.mapper = (rs, ctx) -> new TokenRow(rs.getLong("id"), rs.getLong("uid"), rs.getString("uname"),
        rs.getString("name"), Scope.parseList(rs.getString("scopes")), rs.getString("kind"),
        rs.getLong("created_at"), rs.getLong("expires_at"), rs.getLong("last_used_at"));
  }

  private String select() {
    return "SELECT t.id, t.uid, u.name AS uname, t.name, t.scopes, t.kind, t.created_at, t.expires_at, "
        + "t.last_used_at, u.role FROM api_token t JOIN " + userTable + " u ON u.id = t.uid";
  }

  public long nowSeconds() {
    return clock.instant().getEpochSecond();
  }

  @Override
  public Optional<Principal> verify(String token) {
    if (token == null || !token.startsWith(Secrets.TOKEN_PREFIX) || token.length() > 100) {
      return Optional.empty();
    }
    long now = nowSeconds();
    return db.tx(h -> {
      var found = h.createQuery(select() + " WHERE t.token_hash = :hash").bind("hash", Secrets.tokenHash(token))
          .map((rs, ctx) -> new Found(mapper.map(rs, ctx), Role.of(rs.getInt("role")))).findOne();
      if (found.isEmpty()) {
        return Optional.<Principal>empty();
      }
      TokenRow row = found.get().row();
      Role role = found.get().role();
      if (row.expiresAt() != 0 && row.expiresAt() <= now) {
        return Optional.<Principal>empty();
      }
      if (now - row.lastUsedAt() >= LAST_USED_RESOLUTION_SECONDS) {
        h.createUpdate("UPDATE api_token SET last_used_at = :now WHERE id = :id").bind("now", now)
            .bind("id", row.id()).execute();
      }
      // what the role grants and one of the token's scopes covers (a write token of a viewer still reads)
      Set<Scope> granted = role.grants();
      granted.removeIf(g -> row.scopes().stream().noneMatch(s -> s.covers(g)));
      return Optional.of(new Principal(row.userId(), row.user(), role, row.id(), granted));
    });
  }

  /** A new token for {@code userId}; {@code expiresAt} 0 for one that never expires. */
  public Created create(Handle h, long userId, String name, Set<Scope> scopes, String kind, long expiresAt) {
    String token = Secrets.newToken();
    long now = nowSeconds();
    long id = h.createUpdate("INSERT INTO api_token (uid, name, token_hash, scopes, kind, created_at, expires_at, "
            + "last_used_at) VALUES (:uid, :name, :hash, :scopes, :kind, :now, :expires, 0)")
        .bind("uid", userId).bind("name", name).bind("hash", Secrets.tokenHash(token))
        .bind("scopes", Scope.toList(scopes)).bind("kind", kind).bind("now", now).bind("expires", expiresAt)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    return new Created(find(h, id).orElseThrow(), token);
  }

  public Optional<TokenRow> find(Handle h, long id) {
    return h.createQuery(select() + " WHERE t.id = :id").bind("id", id).map(mapper).findOne();
  }

  /** One user's tokens, or everyone's when {@code userId} is 0; newest first. */
  public List<TokenRow> list(Handle h, long userId) {
    return h.createQuery(select() + (userId > 0 ? " WHERE t.uid = :uid" : "") + " ORDER BY t.id DESC")
        .bind("uid", userId).map(mapper).list();
  }

  public boolean delete(Handle h, long id) {
    return h.createUpdate("DELETE FROM api_token WHERE id = :id").bind("id", id).execute() > 0;
  }

  /** Drops the user's sessions that have expired; called at each login, so they do not pile up. */
  void deleteExpiredSessions(Handle h, long userId) {
    h.createUpdate("DELETE FROM api_token WHERE uid = :uid AND kind = :kind AND expires_at <> 0 "
        + "AND expires_at <= :now").bind("uid", userId).bind("kind", KIND_SESSION).bind("now", nowSeconds()).execute();
  }

  /**
   * Checks a name and password and hands out a session token with every scope of the user's role, lasting
   * {@value #SESSION_SECONDS} s. Empty for an unknown name, a user without a password or a wrong one; the BCrypt
   * check runs outside the transaction, so a slow hash holds no connection.
   */
  public Optional<Created> login(String name, String password) {
    return login(name, password, SESSION_SECONDS, "login");
  }

  /** {@link #login(String, String)} with another lifetime and token name (the console's sessions). */
  public Optional<Created> login(String name, String password, long lifetimeSeconds, String tokenName) {
    var user = db.tx(h -> h.createQuery("SELECT id, passwd, role FROM " + userTable + " WHERE name = :name")
        .bind("name", name).map((rs, ctx) -> new Account(rs.getLong("id"), rs.getString("passwd"),
            Role.of(rs.getInt("role")))).findOne());
    if (user.isEmpty() || !Secrets.passwordMatches(password, user.get().passwordHash())) {
      return Optional.empty();
    }
    long uid = user.get().id();
    Role role = user.get().role();
    return Optional.of(db.tx(h -> {
      deleteExpiredSessions(h, uid);
      return create(h, uid, tokenName, role.grants(), KIND_SESSION, nowSeconds() + lifetimeSeconds);
    }));
  }

  /** Sets (or with null, removes) a user's password; false when the user does not exist. */
  public boolean setPassword(Handle h, long userId, String password) {
    return h.createUpdate("UPDATE " + userTable + " SET passwd = :hash WHERE id = :id")
        .bind("hash", password == null ? null : Secrets.hashPassword(password)).bind("id", userId).execute() > 0;
  }
}
