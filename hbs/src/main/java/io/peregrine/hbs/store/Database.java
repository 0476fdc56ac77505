package io.peregrine.hbs.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.hbs.HbsConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The config database: a HikariCP pool, the schema brought up to date by Flyway at start, and Jdbi on top. Every
 * unit of work runs in one transaction through {@link #tx}; a broken uniqueness rule comes out as
 * {@link ConflictException}, anything else as Jdbi's exception.
 */
public final class Database implements Component {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  /** Fail a heartbeat within seconds when the database is gone, rather than holding the agent for Hikari's 30 s. */
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
  private static final int VALID_TIMEOUT_SECONDS = 2;

  private final HbsConfig config;
  private final MeterRegistry registry;
  private final Vendor vendor;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile HikariDataSource dataSource;
  private volatile Jdbi jdbi;

  public Database(HbsConfig config, MeterRegistry registry) {
    this.config = config;
    this.registry = registry;
    this.vendor = Vendor.of(config.jdbcUrl());
  }

  @Override
  public String name() {
    return "hbs-db";
  }

  @Override
  public void start() {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("hbs-db");
    hc.setJdbcUrl(Vendor.driverUrl(config.jdbcUrl()));
    hc.setUsername(config.jdbcUser());
    hc.setPassword(config.jdbcPassword());
    hc.setMaximumPoolSize(config.maxPoolSize());
    hc.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    dataSource = new HikariDataSource(hc);
    try {
      Flyway flyway = Flyway.configure()
          .dataSource(dataSource)
          .locations(vendor.migrationLocation())
          .load();
      MigrateResult result = flyway.migrate();
      MigrationInfo current = flyway.info().current();
      log.info("hbs-db: {} schema at version {} ({} migrations applied now)", vendor,
          current == null ? "none" : current.getVersion(), result.migrationsExecuted);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    jdbi = Jdbi.create(dataSource);
  }

  public Vendor vendor() {
    return vendor;
  }

  /** Open-Falcon's {@code user} table, quoted for this database. */
  public String userTable() {
    return vendor.quote("user");
  }

  /** Runs {@code work} in one transaction; a uniqueness violation becomes {@link ConflictException}. */
  public <T> T tx(HandleCallback<T, RuntimeException> work) {
    try {
      return jdbi.inTransaction(work);
    } catch (JdbiException e) {
      if (isConstraintViolation(e)) {
        throw new ConflictException(rootMessage(e), e);
      }
      throw e;
    }
  }

  /** True when the database answers within two seconds. */
  public boolean reachable() {
    HikariDataSource ds = dataSource;
    if (ds == null || ds.isClosed()) {
      return false;
    }
    try (Connection c = ds.getConnection()) {
      return c.isValid(VALID_TIMEOUT_SECONDS);
    } catch (SQLException e) {
      return false;
    }
  }

  /** SQLSTATE class 23 is "integrity constraint violation" on every database hbs supports. */
  static boolean isConstraintViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || dataSource == null) {
      return;
    }
    dataSource.close();
  }
}
