package io.peregrine.hbs;

import io.peregrine.common.config.Checks;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.hbs.console.ConsoleConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * hbs's settings (section {@code hbs}). Fixed once hbs starts; what changes at runtime is the SQL content, which the
 * admin API writes and every {@code configRefresh} turns into a new resolved strategy set.
 *
 * @param grpcListen {@code Hbs} service: agent heartbeats, strategy sets for judges, receivers for senders
 * @param httpListen admin API ({@code /api/v1/...}), {@code /metrics}, {@code /health}
 * @param jdbcUrl the config database: {@code jdbc:h2:...} (needs {@code MODE=MySQL}), {@code jdbc:mariadb://...},
 *     {@code jdbc:mysql://...} (through the MariaDB driver) or {@code jdbc:postgresql://...}
 * @param jdbcUser database user
 * @param jdbcPassword database password (empty for none)
 * @param maxPoolSize most database connections held open
 * @param configRefresh how often the resolved strategy set is rebuilt from SQL (admin API writes also rebuild it)
 * @param seedDemo create the demo team, action, group, template and strategies when the demo template is missing
 * @param defaultGroup when not empty, a heartbeating host that belongs to no group is put in this group (created
 *     if missing)
 * @param trustedIps sent to every agent: addresses allowed to call the agent's HTTP API besides loopback
 * @param grpcThreads threads running {@code Hbs} calls
 * @param adminPassword the first admin's password, used only when no admin exists (the first start); empty: a
 *     random one is printed once in the log
 * @param adminTokenFile when not empty and no admin exists, an admin token is also made and written to this file
 *     (owner read/write only), for scripts and all-in-one
 * @param importOnStart when not empty, this YAML file ({@code peregrine hbs export}'s format) is imported at every
 *     start, before anything is served; a file that does not import stops the start
 * @param tls TLS of this component's listeners and of the channels it opens (see docs/SECURITY.md); off = plaintext
 * @param configFullRefresh the longest the strategy set is kept without a rebuild even when the
 *     {@code config_version} counter did not move (a safety net for hand edits in SQL that do not bump it)
 * @param incidentRetention how long incident history (docs/ALERTING.md) is kept; null = 30 days
 * @param auth tokens this component wants on its APIs and sends on its calls (see docs/SECURITY.md); off by
 *     default
 * @param console the web console at {@code /console/} and its proxy to graph, sender and judge (docs/CONSOLE.md);
 *     null = {@link ConsoleConfig#defaults()}
 */
public record HbsConfig(
    String grpcListen,
    String httpListen,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    int maxPoolSize,
    Duration configRefresh,
    boolean seedDemo,
    String defaultGroup,
    List<String> trustedIps,
    int grpcThreads,
    String adminPassword,
    String adminTokenFile,
    String importOnStart,
    TlsConfig tls,
    Duration configFullRefresh,
    Duration incidentRetention,
    AuthConfig auth,
    ConsoleConfig console) {

  /** An embedded file database under ./data, so one host runs hbs with nothing else installed. */
  public static final String DEFAULT_JDBC_URL = "jdbc:h2:file:./data/hbs/hbs;MODE=MySQL;DATABASE_TO_LOWER=TRUE;"
      + "CASE_INSENSITIVE_IDENTIFIERS=TRUE;NON_KEYWORDS=VALUE";
  /** Heartbeats and admin writes are short statements; 8 connections serve thousands of agents per minute. */
  public static final int DEFAULT_MAX_POOL_SIZE = 8;
  /** Judges pull every 5-10 s; rebuilding as often keeps a hand edit in SQL visible within one judge pull. */
  public static final Duration DEFAULT_CONFIG_REFRESH = Duration.ofSeconds(5);
  public static final int DEFAULT_GRPC_THREADS = 4;
  /** A full rebuild costs seconds of a core at 100,000 hosts; twice an hour bounds how stale a hand edit stays. */
  public static final Duration DEFAULT_CONFIG_FULL_REFRESH = Duration.ofMinutes(30);
  /** A pool beyond this only moves the queueing into the database. */
  public static final int MAX_POOL_SIZE = 100;

  /** A month of incident history: the last on-call rotations and a monthly review; about 1 KiB per entry. */
  public static final Duration DEFAULT_INCIDENT_RETENTION = Duration.ofDays(30);

  public HbsConfig {
    tls = tls == null ? TlsConfig.off() : tls;
    incidentRetention = incidentRetention == null ? DEFAULT_INCIDENT_RETENTION : incidentRetention;
    Checks.positive("hbs.incidentRetention", incidentRetention);
    auth = auth == null ? AuthConfig.off() : auth;
    console = console == null ? ConsoleConfig.defaults() : console;
    Checks.address("hbs.grpcListen", grpcListen);
    Checks.address("hbs.httpListen", httpListen);
    checkJdbcUrl(jdbcUrl);
    jdbcUser = jdbcUser == null ? "" : jdbcUser;
    jdbcPassword = jdbcPassword == null ? "" : jdbcPassword;
    Checks.inRange("hbs.maxPoolSize", maxPoolSize, 1, MAX_POOL_SIZE);
    Checks.positive("hbs.configRefresh", configRefresh);
    defaultGroup = defaultGroup == null ? "" : defaultGroup.trim();
    if (defaultGroup.length() > 255) {
      throw new IllegalArgumentException("hbs.defaultGroup must be at most 255 characters: " + defaultGroup);
    }
    trustedIps = List.copyOf(trustedIps == null ? List.of() : trustedIps);
    for (String ip : trustedIps) {
      if (ip == null || ip.isBlank() || !ip.matches("[0-9A-Fa-f.:/]+")) {
        throw new IllegalArgumentException("hbs.trustedIps holds '" + ip + "', which is not an IP address");
      }
    }
    Checks.positive("hbs.grpcThreads", grpcThreads);
    adminPassword = adminPassword == null ? "" : adminPassword;
    if (!adminPassword.isEmpty()) {
      String problem = io.peregrine.hbs.auth.Secrets.passwordProblem(adminPassword);
      if (problem != null) {
        // the value itself is never echoed
        throw new IllegalArgumentException("hbs.adminPassword " + problem);
      }
    }
    adminTokenFile = adminTokenFile == null ? "" : adminTokenFile.trim();
    importOnStart = importOnStart == null ? "" : importOnStart.trim();
    configFullRefresh = configFullRefresh == null ? DEFAULT_CONFIG_FULL_REFRESH : configFullRefresh;
    Checks.positive("hbs.configFullRefresh", configFullRefresh);
  }

  public static HbsConfig defaults() {
    return new HbsConfig("127.0.0.1:6030", "127.0.0.1:6031", DEFAULT_JDBC_URL, "sa", "", DEFAULT_MAX_POOL_SIZE,
        DEFAULT_CONFIG_REFRESH, false, "", List.of(), DEFAULT_GRPC_THREADS, "", "", "", TlsConfig.off(),
        DEFAULT_CONFIG_FULL_REFRESH, DEFAULT_INCIDENT_RETENTION,
        AuthConfig.off(), ConsoleConfig.defaults());
  }

  /** The same settings on another database; tests and all-in-one point hbs at a directory of their own. */
  public HbsConfig withJdbc(String url, String user, String password) {
    return new HbsConfig(grpcListen, httpListen, url, user, password, maxPoolSize, configRefresh, seedDemo,
        defaultGroup, trustedIps, grpcThreads, adminPassword, adminTokenFile, importOnStart, tls,
        configFullRefresh, incidentRetention, auth, console);
  }

  public HbsConfig withListen(String grpc, String http) {
    return new HbsConfig(grpc, http, jdbcUrl, jdbcUser, jdbcPassword, maxPoolSize, configRefresh, seedDemo,
        defaultGroup, trustedIps, grpcThreads, adminPassword, adminTokenFile, importOnStart, tls,
        configFullRefresh, incidentRetention, auth, console);
  }

  /** The same settings with the first admin's password and token file (tests, all-in-one). */
  public HbsConfig withAdmin(String password, String tokenFile) {
    return new HbsConfig(grpcListen, httpListen, jdbcUrl, jdbcUser, jdbcPassword, maxPoolSize, configRefresh,
        seedDemo, defaultGroup, trustedIps, grpcThreads, password, tokenFile, importOnStart, tls,
        configFullRefresh, incidentRetention, auth, console);
  }

  /** The same settings with another strategy-set rebuild interval (the heartbeat bench, to isolate its cost). */
  public HbsConfig withConfigRefresh(Duration every) {
    return new HbsConfig(grpcListen, httpListen, jdbcUrl, jdbcUser, jdbcPassword, maxPoolSize, every,
        seedDemo, defaultGroup, trustedIps, grpcThreads, adminPassword, adminTokenFile, importOnStart, tls,
        configFullRefresh, incidentRetention, auth, console);
  }

  public HbsConfig withImportOnStart(String file) {
    return new HbsConfig(grpcListen, httpListen, jdbcUrl, jdbcUser, jdbcPassword, maxPoolSize, configRefresh,
        seedDemo, defaultGroup, trustedIps, grpcThreads, adminPassword, adminTokenFile, file, tls,
        configFullRefresh, incidentRetention, auth, console);
  }

  /** The same settings with another incident history retention. */
  public HbsConfig withIncidentRetention(Duration retention) {
    return new HbsConfig(grpcListen, httpListen, jdbcUrl, jdbcUser, jdbcPassword, maxPoolSize, configRefresh,
        seedDemo, defaultGroup, trustedIps, grpcThreads, adminPassword, adminTokenFile, importOnStart, tls,
        configFullRefresh, retention, auth, console);
  }

  private static void checkJdbcUrl(String url) {
    Checks.notBlank("hbs.jdbcUrl", url);
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:")) {
      // the schema is MySQL's DDL; H2 reads it only in MySQL mode
      if (!lower.contains("mode=mysql")) {
        throw new IllegalArgumentException("hbs.jdbcUrl is an H2 URL without MODE=MySQL (hbs's schema needs it): "
            + url);
      }
    } else if (!lower.startsWith("jdbc:mariadb:") && !lower.startsWith("jdbc:mysql:")
        && !lower.startsWith("jdbc:postgresql:")) {
      // only the scheme is echoed: the rest of a URL may hold a password
      int colon = lower.indexOf(':', 5);
      throw new IllegalArgumentException("hbs.jdbcUrl must start with jdbc:h2:, jdbc:mariadb:, jdbc:mysql: or "
          + "jdbc:postgresql:, got '" + (colon > 0 ? url.substring(0, colon + 1) : "") + "...'");
    }
  }

  /** The same settings with another {@code auth} block. */
  public HbsConfig withAuth(AuthConfig a) {
    return new HbsConfig(
        grpcListen, httpListen, jdbcUrl, jdbcUser, jdbcPassword, maxPoolSize, configRefresh, seedDemo, defaultGroup,
        trustedIps, grpcThreads, adminPassword, adminTokenFile, importOnStart, tls, configFullRefresh, incidentRetention, a, console);
  }

  /** The same settings with another {@code console} block. */
  public HbsConfig withConsole(ConsoleConfig c) {
    return new HbsConfig(
        grpcListen, httpListen, jdbcUrl, jdbcUser, jdbcPassword, maxPoolSize, configRefresh, seedDemo, defaultGroup,
        trustedIps, grpcThreads, adminPassword, adminTokenFile, importOnStart, tls, configFullRefresh, incidentRetention,
        auth, c);
  }
}
