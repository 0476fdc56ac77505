package io.peregrine.hbs.auth;

import io.peregrine.common.lifecycle.Component;
import io.peregrine.hbs.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first admin, made at the first start (when no user has the admin role and a password or a token): user
 * {@value #ADMIN_NAME} (an existing user of that name, such as the demo seed's, is promoted) with the configured
 * password, or a random one printed once in the log; never a default password. With {@code adminTokenFile} set, an
 * admin token is written there too (mode 0600), so scripts and all-in-one have a way in without a person.
 */
public final class AdminBootstrap implements Component {
  private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
  public static final String ADMIN_NAME = "admin";

  private final Database db;
  private final TokenStore tokens;
  private final String password;
  private final String tokenFile;

  public AdminBootstrap(Database db, TokenStore tokens, String password, String tokenFile) {
    this.db = db;
    this.tokens = tokens;
    this.password = password;
    this.tokenFile = tokenFile;
  }

  @Override
  public String name() {
    return "hbs-admin-bootstrap";
  }

  @Override
  public void start() {
    String user = db.userTable();
    long admins = db.tx(h -> h.createQuery("SELECT COUNT(*) FROM " + user + " u WHERE u.role = :role "
            + "AND (u.passwd IS NOT NULL OR EXISTS (SELECT 1 FROM api_token t WHERE t.uid = u.id))")
        .bind("role", Role.ADMIN.code()).mapTo(Long.class).one());
    if (admins > 0) {
      log.info("hbs-auth: {} admin(s) can sign in; no first admin made", admins);
      return;
    }
    boolean generated = password.isEmpty();
    String secret = generated ? Secrets.newPassword() : password;
    String token = db.tx(h -> {
      long id = h.createQuery("SELECT id FROM " + user + " WHERE name = :name").bind("name", ADMIN_NAME)
          .mapTo(Long.class).findOne().orElseGet(() -> h.createUpdate("INSERT INTO " + user + " (name) VALUES (:name)")
              .bind("name", ADMIN_NAME).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
      h.createUpdate("UPDATE " + user + " SET role = :role WHERE id = :id").bind("role", Role.ADMIN.code())
          .bind("id", id).execute();
      tokens.setPassword(h, id, secret);
      return tokenFile.isEmpty() ? null
          : tokens.create(h, id, "bootstrap", EnumSet.of(Scope.ADMIN), TokenStore.KIND_API, 0).token();
    });
    if (generated) {
      // printed once: it is not stored anywhere but as a hash
      log.warn("hbs-auth: first admin '{}' made with the one-time password {} (shown only now: sign in with "
          + "POST /api/v1/auth/login and change it with PUT /api/v1/auth/password)", ADMIN_NAME, secret);
    } else {
      log.info("hbs-auth: first admin '{}' made with the password of hbs.adminPassword", ADMIN_NAME);
    }
    if (token != null) {
      writeTokenFile(Path.of(tokenFile), token);
      log.info("hbs-auth: the first admin's token is in {}", tokenFile);
    }
  }

  private static void writeTokenFile(Path file, String token) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.deleteIfExists(file);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write hbs.adminTokenFile " + file, e);
    }
  }

  @Override
  public void close() {
    // nothing held
  }
}
