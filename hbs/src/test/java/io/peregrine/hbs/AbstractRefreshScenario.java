package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.peregrine.common.time.ManualClock;
import io.peregrine.hbs.admin.ConfigYaml;
import io.peregrine.proto.v1.StrategySet;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The periodic strategy-set check on a manual clock (the timer is an hour, so every check here is one the test
 * runs): nothing changed, nothing is rebuilt; a write through the API, an import, or SQL that bumps
 * {@code config_version} is in the set at the next check; a maintenance window starts and ends at its second; a hand
 * edit that does not bump the counter waits for {@code configFullRefresh}. Subclasses pick the database.
 */
abstract class AbstractRefreshScenario {
  private final ManualClock clock = new ManualClock(HbsHarness.NOW);
  private TestDatabase db;
  private HbsHarness hbs;
  private long tpl;

  abstract TestDatabase openDatabase() throws Exception;

  @BeforeEach
  void open() throws Exception {
    db = openDatabase();
    hbs = new HbsHarness(HbsHarness.config(db), clock);
    tpl = hbs.create("/api/v1/templates", "{\"name\":\"web\"}");
    long group = hbs.create("/api/v1/groups", "{\"name\":\"web\"}");
    hbs.create("/api/v1/strategies", strategy("cpu.busy"));
    hbs.ok("/api/v1/groups/" + group + "/templates", "{\"templateId\":" + tpl + "}");
    hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"web-01\",\"web-02\"]}");
    hbs.server.refreshNow();
  }

  @AfterEach
  void close() throws Exception {
    hbs.close();
    db.close();
  }

  private String strategy(String metric) {
    return "{\"templateId\":" + tpl + ",\"metric\":\"" + metric + "\",\"operator\":\">\",\"rightValue\":90,"
        + "\"priority\":2}";
  }

  private double rebuilds() {
    return hbs.server.registry().find("hbs.config.rebuilds").counters().stream().mapToDouble(Counter::count).sum();
  }

  private double skipped() {
    return hbs.server.registry().find("hbs.config.refresh.skipped").counter().count();
  }

  private StrategySet set() {
    return hbs.strategies(0);
  }

  private int strategiesOf(String host) {
    return hbs.host(set(), host).map(h -> h.getStrategiesCount()).orElse(0);
  }

  private void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement()) {
      st.executeUpdate(statement);
    }
  }

  @Test
  void aCheckWithNothingChangedRebuildsNothing() throws Exception {
    long version = set().getVersion();
    double before = rebuilds();
    double skippedBefore = skipped();
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(5));
      assertThat(hbs.server.checkConfigNow()).isFalse();
    }
    assertThat(rebuilds()).isEqualTo(before);
    assertThat(skipped()).isEqualTo(skippedBefore + 3);
    assertThat(set().getVersion()).isEqualTo(version);
    // heartbeats of known hosts change update_at and ip only: still nothing to rebuild
    hbs.heartbeat("web-01", "10.0.0.1");
    hbs.server.flushHeartbeats();
    assertThat(hbs.server.checkConfigNow()).isFalse();
    assertThat(hbs.text("/metrics")).contains("hbs_config_refresh_skipped_total{component=\"hbs\"} 4.0");
  }

  @Test
  void anApiWriteIsInTheSetAtOnceAndBumpsTheCounterForOtherInstances() throws Exception {
    long counter = hbs.server.database().tx(io.peregrine.hbs.store.ConfigVersion::read);
    hbs.create("/api/v1/strategies", strategy("mem.memused.percent"));
    // the write asked for a rebuild on the refresh thread; a check queued behind it sees the bumped counter built
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> strategiesOf("web-01") == 2);
    assertThat(hbs.server.database().tx(io.peregrine.hbs.store.ConfigVersion::read)).isGreaterThan(counter);
    assertThat(hbs.server.checkConfigNow()).isFalse();
  }

  @Test
  void anImportOrABumpedSqlEditIsInTheSetAtTheNextCheck() throws Exception {
    ConfigYaml yaml = new ConfigYaml(hbs.server.database());
    String exported = yaml.export();
    String edited = exported.replace("metric: cpu.busy", "metric: cpu.idle");
    assertThat(edited).isNotEqualTo(exported);
    assertThat(yaml.importYaml(edited, false)).isNotEmpty(); // as `peregrine hbs import` does, beside the server
    assertThat(hbs.host(set(), "web-01").orElseThrow().getStrategies(0).getMetric()).isEqualTo("cpu.busy");
    assertThat(hbs.server.checkConfigNow()).isTrue();
    assertThat(hbs.host(set(), "web-01").orElseThrow().getStrategies(0).getMetric()).isEqualTo("cpu.idle");
    assertThat(hbs.server.checkConfigNow()).isFalse();

    sql("UPDATE strategy SET right_value = '95'");
    sql("UPDATE config_version SET version = version + 1 WHERE id = 1");
    assertThat(hbs.server.checkConfigNow()).isTrue();
    assertThat(hbs.host(set(), "web-01").orElseThrow().getStrategies(0).getRightValue()).isEqualTo(95.0);
  }

  @Test
  void aSqlEditThatDoesNotBumpTheCounterWaitsForTheFullRefresh() throws Exception {
    sql("UPDATE strategy SET right_value = '80'");
    assertThat(hbs.server.checkConfigNow()).isFalse();
    assertThat(hbs.host(set(), "web-01").orElseThrow().getStrategies(0).getRightValue()).isEqualTo(90.0);
    clock.advance(HbsConfig.DEFAULT_CONFIG_FULL_REFRESH);
    assertThat(hbs.server.checkConfigNow()).isTrue();
    assertThat(hbs.host(set(), "web-01").orElseThrow().getStrategies(0).getRightValue()).isEqualTo(80.0);
    assertThat(hbs.text("/metrics")).contains("hbs_config_rebuilds_total{component=\"hbs\",reason=\"full\"} 1.0");
  }

  @Test
  void aMaintenanceWindowTakesEffectAtItsStartAndEndSeconds() throws Exception {
    long now = clock.seconds();
    long begin = now + 600;
    long end = now + 1200;
    long hostId = hbs.get("/api/v1/hosts?hostnamePrefix=web-01").json().get(0).get("id").asLong();
    assertThat(hbs.put("/api/v1/hosts/" + hostId + "/maintenance",
        "{\"begin\":" + begin + ",\"end\":" + end + "}").status()).isEqualTo(200);
    hbs.server.refreshNow(); // the write's own rebuild, waited for
    assertThat(strategiesOf("web-01")).isEqualTo(1);

    clock.setSeconds(begin - 1);
    assertThat(hbs.server.checkConfigNow()).isFalse();
    assertThat(strategiesOf("web-01")).isEqualTo(1);
    clock.setSeconds(begin);
    assertThat(hbs.server.checkConfigNow()).isTrue();
    assertThat(strategiesOf("web-01")).isZero();
    assertThat(strategiesOf("web-02")).isEqualTo(1);

    clock.setSeconds(end);
    assertThat(hbs.server.checkConfigNow()).isFalse(); // the window includes its last second
    assertThat(strategiesOf("web-01")).isZero();
    clock.setSeconds(end + 1);
    assertThat(hbs.server.checkConfigNow()).isTrue();
    assertThat(strategiesOf("web-01")).isEqualTo(1);
    clock.advance(Duration.ofMinutes(10));
    assertThat(hbs.server.checkConfigNow()).isFalse(); // no window left to start or end
    assertThat(hbs.text("/metrics"))
        .contains("hbs_config_rebuilds_total{component=\"hbs\",reason=\"maintenance\"} 2.0");
  }
}
