package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peregrine.common.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users, roles, tokens and the audit log through the real HTTP port, on one database: the first admin, roles and
 * scopes on every route, scopes capped by roles, expiry and revocation, the last admin, the audit trail, and an
 * import that leaves accounts alone. Subclasses pick the database (H2, MariaDB, PostgreSQL).
 */
abstract class AbstractAuthScenario {
  private static final String PASSWORD = "correct horse battery";
  private final ManualClock clock = new ManualClock(HbsHarness.NOW);
  private TestDatabase db;
  private HbsHarness hbs;

  @TempDir
  Path dir;

  abstract TestDatabase openDatabase() throws Exception;

  @BeforeEach
  void open() throws Exception {
    db = openDatabase();
    hbs = new HbsHarness(HbsHarness.config(db).withAdmin(HbsHarness.ADMIN_PASSWORD,
        dir.resolve("secrets/admin.token").toString()), clock);
  }

  @AfterEach
  void close() throws Exception {
    hbs.close();
    db.close();
  }

  private JsonNode ok(HbsHarness.Response r) {
    assertThat(r.status()).as("%s", r.json()).isBetween(200, 201);
    return r.json();
  }

  /** A user with this role and password, signed in: the session token. */
  private String user(String name, String role) throws Exception {
    long id = hbs.create("/api/v1/users", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
    ok(hbs.put("/api/v1/users/" + id + "/password", "{\"password\":\"" + PASSWORD + "\"}"));
    return login(name, PASSWORD).json().get("token").asText();
  }

  private HbsHarness.Response login(String name, String password) throws Exception {
    return hbs.as(null, "POST", "/api/v1/auth/login", "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
  }

  private String token(String bearer, String scopes, String extra) throws Exception {
    return ok(hbs.as(bearer, "POST", "/api/v1/tokens", "{\"name\":\"t\",\"scopes\":[" + scopes + "]" + extra + "}"))
        .get("token").asText();
  }

  @Test
  void firstAdminHasThePasswordAndATokenFileOnlyOnTheFirstStart() throws Exception {
    Path file = dir.resolve("secrets/admin.token");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String fileToken = Files.readString(file).trim();
    assertThat(fileToken).startsWith("pgr_");
    JsonNode me = ok(hbs.as(fileToken, "GET", "/api/v1/auth/me", null));
    assertThat(me.get("user").asText()).isEqualTo("admin");
    assertThat(me.get("role").asText()).isEqualTo("admin");
    assertThat(me.get("scopes")).extracting(JsonNode::asText).containsExactly("read", "write", "admin", "push", "enroll");
    assertThat(login("admin", "wrong password!").status()).isEqualTo(401);
    assertThat(login("nobody", PASSWORD).status()).isEqualTo(401);

    // a second start finds the admin: no new password, no new token file
    Files.delete(file);
    hbs.close();
    hbs = new HbsHarness(HbsHarness.config(db).withAdmin("another password 123", file.toString()), clock);
    assertThat(file).doesNotExist();
    assertThat(login("admin", "another password 123").status()).isEqualTo(401);
    assertThat(login("admin", HbsHarness.ADMIN_PASSWORD).status()).isEqualTo(200);
    assertThat(ok(hbs.as(fileToken, "GET", "/api/v1/auth/me", null)).get("user").asText()).isEqualTo("admin");
    // tokens are stored hashed: the secret is nowhere in the table
    long stored = hbs.server.database().tx(h -> h.createQuery("SELECT COUNT(*) FROM api_token WHERE token_hash = :t")
        .bind("t", fileToken).mapTo(Long.class).one());
    assertThat(stored).isZero();
  }

  @Test
  void rolesAndScopesAreCheckedOnEveryRoute() throws Exception {
    String viewer = user("vera", "viewer");
    String editor = user("eddie", "editor");
    Set<String> open = Set.of("GET /health", "GET /metrics", "GET /api/v1/openapi.yaml", "POST /api/v1/auth/login",
        "POST /api/v1/auth/logout", "POST /api/v1/agents/enroll", "GET /api/v1/agents/ca",
        "GET /api/v1/agents/revoked");
    for (String route : hbs.server.httpRoutes()) {
      if (open.contains(route)) {
        continue;
      }
      String method = route.substring(0, route.indexOf(' '));
      String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "424242");
      String body = method.equals("GET") || method.equals("DELETE") ? null : "{}";
      boolean anyToken = path.startsWith("/api/v1/auth/") || path.startsWith("/api/v1/tokens");
      boolean admin = path.startsWith("/api/v1/audit") || (!method.equals("GET") && path.startsWith("/api/v1/users"))
          || (!method.equals("GET") && path.startsWith("/api/v1/agents"));
      boolean read = method.equals("GET");

      assertThat(hbs.as(null, method, path, body).status()).as("%s without a token", route).isEqualTo(401);
      assertThat(hbs.as("pgr_not-a-real-token", method, path, body).status()).as("%s bad token", route)
          .isEqualTo(401);
      int asViewer = hbs.as(viewer, method, path, body).status();
      assertThat(asViewer == 403).as("%s as viewer -> %s", route, asViewer).isEqualTo(!anyToken && (!read || admin));
      int asEditor = hbs.as(editor, method, path, body).status();
      assertThat(asEditor == 403).as("%s as editor -> %s", route, asEditor).isEqualTo(!anyToken && admin);
      int asAdmin = hbs.as(hbs.adminToken, method, path, body).status();
      assertThat(asAdmin).as("%s as admin", route).isNotIn(401, 403);
    }
    HbsHarness.Response refused = hbs.as(viewer, "POST", "/api/v1/hosts", "{\"hostname\":\"x\"}");
    assertThat(refused.json().get("error").asText())
        .isEqualTo("POST /api/v1/hosts needs scope 'write'; this token has scopes read (user 'vera', role viewer)");
  }

  @Test
  void tokenScopesAreCappedByTheRoleAndTheCaller() throws Exception {
    String editor = user("eddie", "editor");
    long eddie = ok(hbs.as(editor, "GET", "/api/v1/auth/me", null)).get("userId").asLong();
    // an editor cannot hand out admin, nor make tokens for others
    assertThat(hbs.as(editor, "POST", "/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"admin\"]}").status())
        .isEqualTo(403);
    assertThat(hbs.as(editor, "POST", "/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"read\"],\"userId\":1}")
        .status()).isEqualTo(403);
    // an admin cannot give an editor's token a scope the role lacks
    HbsHarness.Response beyond = hbs.post("/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"admin\"],\"userId\":"
        + eddie + "}");
    assertThat(beyond.status()).isEqualTo(400);
    assertThat(beyond.json().get("field").asText()).isEqualTo("scopes");
    assertThat(hbs.post("/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"root\"]}").json().get("error").asText())
        .contains("unknown scope 'root'");

    // a read token reads, cannot write, and cannot make a write token
    String read = token(editor, "\"read\"", "");
    assertThat(hbs.as(read, "GET", "/api/v1/hosts", null).status()).isEqualTo(200);
    assertThat(hbs.as(read, "POST", "/api/v1/hosts", "{\"hostname\":\"web-01\"}").status()).isEqualTo(403);
    assertThat(hbs.as(read, "POST", "/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"write\"]}").status())
        .isEqualTo(403);
    String write = token(editor, "\"write\"", "");
    assertThat(hbs.as(write, "POST", "/api/v1/hosts", "{\"hostname\":\"web-01\"}").status()).isEqualTo(201);

    // demoting the user narrows their tokens at once
    ok(hbs.patch("/api/v1/users/" + eddie, "{\"role\":\"viewer\"}"));
    assertThat(hbs.as(write, "POST", "/api/v1/hosts", "{\"hostname\":\"web-02\"}").status()).isEqualTo(403);
    assertThat(hbs.as(write, "GET", "/api/v1/hosts", null).status()).isEqualTo(200);
    assertThat(ok(hbs.as(write, "GET", "/api/v1/auth/me", null)).get("scopes")).extracting(JsonNode::asText)
        .containsExactly("read");
    // listing shows only one's own tokens, never a secret
    JsonNode mine = ok(hbs.as(write, "GET", "/api/v1/tokens", null));
    assertThat(mine).allSatisfy(t -> {
      assertThat(t.get("user").asText()).isEqualTo("eddie");
      assertThat(t.has("token")).isFalse();
    });
    long adminTokenId = ok(hbs.get("/api/v1/auth/me")).get("tokenId").asLong();
    assertThat(hbs.as(write, "GET", "/api/v1/tokens/" + adminTokenId, null).status()).isEqualTo(404);
    assertThat(hbs.as(write, "DELETE", "/api/v1/tokens/" + adminTokenId, null).status()).isEqualTo(404);
  }

  @Test
  void tokensExpireAndAreRevoked() throws Exception {
    String editor = user("eddie", "editor");
    String shortLived = token(editor, "\"read\"", ",\"expiresInSeconds\":60");
    JsonNode listed = ok(hbs.as(editor, "GET", "/api/v1/tokens", null));
    assertThat(listed).extracting(t -> t.get("kind").asText()).contains("api", "session");
    assertThat(hbs.as(shortLived, "GET", "/api/v1/hosts", null).status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(61));
    assertThat(hbs.as(shortLived, "GET", "/api/v1/hosts", null).status()).isEqualTo(401);

    String forever = token(editor, "\"write\"", "");
    long id = ok(hbs.as(forever, "GET", "/api/v1/auth/me", null)).get("tokenId").asLong();
    ok(hbs.as(editor, "DELETE", "/api/v1/tokens/" + id, null));
    assertThat(hbs.as(forever, "GET", "/api/v1/hosts", null).status()).isEqualTo(401);

    ok(hbs.as(editor, "POST", "/api/v1/auth/logout", null));
    assertThat(hbs.as(editor, "GET", "/api/v1/hosts", null).status()).isEqualTo(401);

    // sessions last 12 hours
    String session = login("eddie", PASSWORD).json().get("token").asText();
    clock.advance(Duration.ofHours(12).minusSeconds(1));
    assertThat(hbs.as(session, "GET", "/api/v1/hosts", null).status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(1));
    assertThat(hbs.as(session, "GET", "/api/v1/hosts", null).status()).isEqualTo(401);
    // the harness's admin session expired too: sign in again
    hbs.token = login("admin", HbsHarness.ADMIN_PASSWORD).json().get("token").asText();

    // deleting a user revokes their tokens
    String later = login("eddie", PASSWORD).json().get("token").asText();
    long eddie = ok(hbs.as(later, "GET", "/api/v1/auth/me", null)).get("userId").asLong();
    ok(hbs.delete("/api/v1/users/" + eddie));
    assertThat(hbs.as(later, "GET", "/api/v1/hosts", null).status()).isEqualTo(401);
  }

  @Test
  void passwordsAreCheckedAndChangedByTheirOwner() throws Exception {
    String editor = user("eddie", "editor");
    HbsHarness.Response weak = hbs.as(editor, "PUT", "/api/v1/auth/password",
        "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"short\"}");
    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.json().get("field").asText()).isEqualTo("newPassword");
    HbsHarness.Response wrong = hbs.as(editor, "PUT", "/api/v1/auth/password",
        "{\"currentPassword\":\"not it at all\",\"newPassword\":\"a much better one\"}");
    assertThat(wrong.json().get("field").asText()).isEqualTo("currentPassword");
    ok(hbs.as(editor, "PUT", "/api/v1/auth/password",
        "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"a much better one\"}"));
    assertThat(login("eddie", PASSWORD).status()).isEqualTo(401);
    assertThat(login("eddie", "a much better one").status()).isEqualTo(200);
    // stored as BCrypt, never as given
    String hash = hbs.server.database().tx(h -> h.createQuery("SELECT passwd FROM " + hbs.server.database()
        .userTable() + " WHERE name = 'eddie'").mapTo(String.class).one());
    assertThat(hash).startsWith("$2a$10$").doesNotContain("better");
    assertThat(hbs.put("/api/v1/users/424242/password", "{\"password\":\"long enough password\"}").status())
        .isEqualTo(404);
    assertThat(hbs.post("/api/v1/users", "{\"name\":\"x\",\"role\":\"root\"}").json().get("field").asText())
        .isEqualTo("role");
  }

  @Test
  void theLastAdminStays() throws Exception {
    long admin = ok(hbs.get("/api/v1/auth/me")).get("userId").asLong();
    assertThat(hbs.patch("/api/v1/users/" + admin, "{\"role\":\"editor\"}").status()).isEqualTo(409);
    assertThat(hbs.delete("/api/v1/users/" + admin).json().get("error").asText()).contains("last admin");
    user("second", "admin");
    ok(hbs.patch("/api/v1/users/" + admin, "{\"role\":\"editor\"}"));
  }

  @Test
  void theAuditLogRecordsWhoChangedWhatAndWhen() throws Exception {
    String editor = user("eddie", "editor");
    long host = ok(hbs.as(editor, "POST", "/api/v1/hosts", "{\"hostname\":\"web-01\"}")).get("id").asLong();
    clock.advance(Duration.ofSeconds(5));
    ok(hbs.as(editor, "PATCH", "/api/v1/hosts/" + host, "{\"ip\":\"10.0.0.1\"}"));
    assertThat(hbs.as(editor, "POST", "/api/v1/hosts", "{\"hostname\":\"web-01\"}").status()).isEqualTo(409);

    JsonNode mine = ok(hbs.get("/api/v1/audit?actor=eddie&entity=hosts"));
    assertThat(mine).hasSize(2); // the refused write is not a change
    assertThat(mine.get(0).get("method").asText()).isEqualTo("PATCH");
    assertThat(mine.get(0).get("at").asLong()).isEqualTo(HbsHarness.NOW.toEpochMilli() + 5_000);
    assertThat(mine.get(1).get("method").asText()).isEqualTo("POST");
    assertThat(mine.get(1).get("path").asText()).isEqualTo("/api/v1/hosts");
    assertThat(mine.get(1).get("entityId").asLong()).isEqualTo(host);
    assertThat(mine.get(1).get("status").asInt()).isEqualTo(201);
    assertThat(mine.get(1).get("body").asText()).contains("web-01");
    assertThat(ok(hbs.get("/api/v1/audit?entity=hosts&entityId=" + host + "&since="
        + (HbsHarness.NOW.toEpochMilli() + 1)))).hasSize(1);

    // secrets never reach the log; signing in is recorded
    JsonNode users = ok(hbs.get("/api/v1/audit?entity=users"));
    assertThat(users.toString()).doesNotContain(PASSWORD).contains("***");
    assertThat(ok(hbs.get("/api/v1/audit?actor=eddie&entity=auth")).get(0).get("path").asText())
        .isEqualTo("/api/v1/auth/login");
    assertThat(hbs.as(editor, "GET", "/api/v1/audit", null).status()).isEqualTo(403);
    assertThat(hbs.get("/api/v1/audit?bogus=1").json().get("field").asText()).isEqualTo("bogus");
  }

  @Test
  void anImportWithoutTheAccountsKeepsThem() throws Exception {
    user("eddie", "editor");
    var yaml = new io.peregrine.hbs.admin.ConfigYaml(hbs.server.database());
    List<String> changes = yaml.importYaml("users: []\nteams: []\ntemplates: []\ngroups: []\n", false);
    assertThat(changes).noneMatch(c -> c.contains("admin") || c.contains("eddie"));
    assertThat(login("eddie", PASSWORD).status()).isEqualTo(200);
    assertThat(ok(hbs.get("/api/v1/users"))).extracting(u -> u.get("name").asText()).contains("admin", "eddie");
  }

  @Test
  void failedLoginsAreThrottledPerUserAndPerAddressWithRetryAfter() throws Exception {
    String admin = HbsHarness.ADMIN_PASSWORD;
    for (int i = 0; i < 4; i++) {
      assertThat(login("admin", "wrong password!").status()).isEqualTo(401);
    }
    assertThat(login("admin", admin).status()).isEqualTo(200); // a success clears the user's count
    for (int i = 0; i < io.peregrine.hbs.auth.LoginThrottle.USER_FAILURES; i++) {
      assertThat(login("admin", "wrong password!").status()).isEqualTo(401);
    }
    HbsHarness.Response refused = login("admin", admin); // even the right password: not checked now
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isEqualTo("900");
    assertThat(refused.json().get("error").asText()).contains("too many failed logins");
    clock.advance(Duration.ofMinutes(10));
    assertThat(login("admin", admin).header("Retry-After")).isEqualTo("300");
    assertThat(login("someone-else", "wrong password!").status()).isEqualTo(401); // another name still may try
    clock.advance(Duration.ofMinutes(5));
    assertThat(login("admin", admin).status()).isEqualTo(200);

    // per address: twenty failures from this address (its window began with the first failure above and has
    // ended), whatever the names, stop every login from it
    for (int i = 0; i < io.peregrine.hbs.auth.LoginThrottle.ADDRESS_FAILURES; i++) {
      login("user-" + i, "wrong password!");
    }
    HbsHarness.Response byAddress = login("admin", admin);
    assertThat(byAddress.status()).isEqualTo(429);
    assertThat(Long.parseLong(byAddress.header("Retry-After"))).isBetween(1L, 900L);
    assertThat(hbs.text("/metrics")).contains("hbs_logins_throttled_total{by=\"address\",component=\"hbs\"}");
    clock.advance(io.peregrine.hbs.auth.LoginThrottle.WINDOW);
    assertThat(login("admin", admin).status()).isEqualTo(200);
  }

  @Test
  void resetAdminGivesTheRoleAndANewPasswordRevokesSessionsAndIsAudited() throws Exception {
    String oldSession = hbs.token;
    var reset = io.peregrine.hbs.auth.AdminRecovery.reset(hbs.server.database(), clock, "admin", "");
    assertThat(reset.generated()).isTrue();
    assertThat(reset.created()).isFalse();
    assertThat(reset.sessionsRevoked()).isPositive();
    assertThat(hbs.as(oldSession, "GET", "/api/v1/auth/me", null).status()).isEqualTo(401);
    assertThat(login("admin", HbsHarness.ADMIN_PASSWORD).status()).isEqualTo(401);
    String fresh = login("admin", reset.password()).json().get("token").asText();
    JsonNode audit = ok(hbs.as(fresh, "GET", "/api/v1/audit?actor=" + java.net.URLEncoder.encode(
        io.peregrine.hbs.auth.AdminRecovery.ACTOR, java.nio.charset.StandardCharsets.UTF_8), null));
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).get("body").asText()).contains("\"password\":\"***\"").doesNotContain(reset.password());

    // a user who was not there is made, with the given password; a bad password writes nothing
    var rescue = io.peregrine.hbs.auth.AdminRecovery.reset(hbs.server.database(), clock, "rescue", PASSWORD);
    assertThat(rescue.created()).isTrue();
    assertThat(ok(login("rescue", PASSWORD)).get("role").asText()).isEqualTo("admin");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.peregrine.hbs.auth.AdminRecovery.reset(
        hbs.server.database(), clock, "nobody", "short")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("password");
    assertThat(ok(hbs.as(fresh, "GET", "/api/v1/users?namePrefix=nobody", null))).isEmpty();
  }
}
