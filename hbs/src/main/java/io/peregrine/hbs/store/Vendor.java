package io.peregrine.hbs.store;

import java.util.Locale;

/** The databases hbs runs on, told apart by the JDBC URL: where their migrations live and how they quote names. */
public enum Vendor {
  /** H2 in MySQL mode reads the MySQL DDL. */
  H2("mysql", '"'),
  MARIADB("mysql", '`'),
  POSTGRESQL("postgresql", '"');

  private final String migrationFolder;
  private final char quote;

  Vendor(String migrationFolder, char quote) {
    this.migrationFolder = migrationFolder;
    this.quote = quote;
  }

  public static Vendor of(String jdbcUrl) {
    String url = jdbcUrl.toLowerCase(Locale.ROOT);
    if (url.startsWith("jdbc:h2:")) {
      return H2;
    }
    if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
      return MARIADB;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException("no supported database for this JDBC URL scheme");
  }

  /** The URL handed to the driver: the MariaDB driver takes {@code jdbc:mysql:} only with an extra flag. */
  public static String driverUrl(String jdbcUrl) {
    return jdbcUrl.regionMatches(true, 0, "jdbc:mysql:", 0, 11) ? "jdbc:mariadb:" + jdbcUrl.substring(11) : jdbcUrl;
  }

  public String migrationLocation() {
    return "classpath:db/migration/" + migrationFolder;
  }

  /** A table name quoted for this database: Open-Falcon's {@code user} is reserved in PostgreSQL and H2. */
  public String quote(String name) {
    return quote + name + quote;
  }
}
