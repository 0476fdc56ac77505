package io.peregrine.hbs;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A database of the test's own: H2 in a temp dir, or a fresh database (MariaDB) / schema (PostgreSQL) on the
 * machine's servers, dropped on close. A server that is down fails the test: nothing here skips.
 */
interface TestDatabase extends AutoCloseable {
  String url();

  String user();

  String password();

  @Override
  void close() throws SQLException;

  static String uniqueName() {
    return "hbs_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  static TestDatabase h2(Path dir) {
    String url = "jdbc:h2:file:" + dir.resolve("hbs") + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;"
        + "CASE_INSENSITIVE_IDENTIFIERS=TRUE;NON_KEYWORDS=VALUE";
    return new Simple(url, "sa", "", null);
  }

  static TestDatabase mariadb() throws SQLException {
    String name = uniqueName();
    String server = "jdbc:mariadb://127.0.0.1:3306/";
    execute(server, "root", "CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
    return new Simple(server + name, "root", "", () -> execute(server, "root", "DROP DATABASE IF EXISTS " + name));
  }

  static TestDatabase postgres() throws SQLException {
    String name = uniqueName();
    String server = "jdbc:postgresql://127.0.0.1:5432/test";
    String user = postgresUser(server);
    execute(server, user, "CREATE SCHEMA " + name);
    return new Simple(server + "?currentSchema=" + name, user, "",
        () -> execute(server, user, "DROP SCHEMA IF EXISTS " + name + " CASCADE"));
  }

  /** The machine trusts both postgres and root; whichever role exists. */
  private static String postgresUser(String server) throws SQLException {
    try (Connection c = DriverManager.getConnection(server, "postgres", "")) {
      return "postgres";
    } catch (SQLException e) {
      try (Connection c = DriverManager.getConnection(server, "root", "")) {
        return "root";
      } catch (SQLException second) {
        second.addSuppressed(e);
        throw second;
      }
    }
  }

  private static void execute(String url, String user, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  interface Drop {
    void run() throws SQLException;
  }

  record Simple(String url, String user, String password, Drop drop) implements TestDatabase {
    @Override
    public void close() throws SQLException {
      if (drop != null) {
        drop.run();
      }
    }
  }
}
