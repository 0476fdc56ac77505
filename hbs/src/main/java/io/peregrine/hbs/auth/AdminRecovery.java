package io.peregrine.hbs.auth;

import io.peregrine.hbs.store.Database;
import java.time.Clock;

/**
 * {@code peregrine hbs reset-admin}: a way back in when every admin password is lost, run by whoever can reach the
 * database with hbs's configuration (the same trust as editing its SQL). The named user (made when missing) gets
 * the admin role and a new password (given, or random and shown once); its sessions are revoked (its API tokens
 * stay); the reset is a row of the audit log with actor {@value #ACTOR}. A running hbs sees it at once (logins
 * read the database).
 */
public final class AdminRecovery {
  public static final String ACTOR = "reset-admin (cli)";

  /** @param generated true when the password was made here (the caller shows it once) */
  public record Result(long userId, String user, String password, boolean generated, boolean created,
      int sessionsRevoked) {
  }

  private AdminRecovery() {}

  /**
   * @param password empty: a random one
   * @throws IllegalArgumentException for a bad name or password (nothing is written)
   */
  public static Result reset(Database db, Clock clock, String name, String password) {
    String user = name == null ? "" : name.trim();
    if (user.isEmpty() || user.length() > 64 || user.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("the user name must be 1..64 characters without control characters");
    }
    boolean generated = password == null || password.isEmpty();
    String secret = generated ? Secrets.newPassword() : password;
    String problem = Secrets.passwordProblem(secret);
    if (problem != null) {
      throw new IllegalArgumentException("the password " + problem);
    }
    TokenStore tokens = new TokenStore(db, clock);
    String table = db.userTable();
    long[] out = db.tx(h -> {
      Long existing = h.createQuery("SELECT id FROM " + table + " WHERE name = :name").bind("name", user)
          .mapTo(Long.class).findOne().orElse(null);
      long id = existing != null ? existing : h.createUpdate("INSERT INTO " + table + " (name) VALUES (:name)")
          .bind("name", user).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
      h.createUpdate("UPDATE " + table + " SET role = :role WHERE id = :id").bind("role", Role.ADMIN.code())
          .bind("id", id).execute();
      tokens.setPassword(h, id, secret);
      int revoked = h.createUpdate("DELETE FROM api_token WHERE uid = :id AND kind = :kind").bind("id", id)
          .bind("kind", TokenStore.KIND_SESSION).execute();
      return new long[] {id, existing == null ? 1 : 0, revoked};
    });
    String body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("name", user)
        .put("role", "admin").put("password", "***").toString();
    new AuditLog(db, clock).append(ACTOR, 0, "CLI", "peregrine hbs reset-admin", "users", out[0], 200, body);
    return new Result(out[0], user, secret, generated, out[1] == 1, (int) out[2]);
  }
}
