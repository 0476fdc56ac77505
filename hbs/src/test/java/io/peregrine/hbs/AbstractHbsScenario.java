package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.proto.v1.AgentConfig;
import io.peregrine.proto.v1.BuiltinItem;
import io.peregrine.proto.v1.Expression;
import io.peregrine.proto.v1.HostStrategies;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.proto.v1.Receivers;
import io.peregrine.proto.v1.ReceiversRequest;
import io.peregrine.proto.v1.Strategy;
import io.peregrine.proto.v1.StrategySet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * hbs end to end on one database: heartbeats, the resolved strategy set, receivers, the demo seed and the admin
 * API, all through the real gRPC and HTTP ports. Subclasses pick the database (H2, MariaDB, PostgreSQL).
 */
abstract class AbstractHbsScenario {
  private final List<AutoCloseable> closing = new ArrayList<>();
  private TestDatabase db;

  /** A fresh, empty database of the test's own. */
  abstract TestDatabase openDatabase() throws Exception;

  @BeforeEach
  void openDb() throws Exception {
    db = openDatabase();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    db.close();
  }

  private HbsHarness start(HbsConfig config) throws Exception {
    HbsHarness h = new HbsHarness(config);
    closing.add(h);
    return h;
  }

  private HbsHarness start() throws Exception {
    return start(HbsHarness.config(db));
  }

  /** A strategy body for POST /api/v1/strategies. */
  private static String strategy(long template, String metric, String tags, String op, double right) {
    return "{\"templateId\":" + template + ",\"metric\":\"" + metric + "\",\"tags\":\"" + tags
        + "\",\"func\":\"all(#3)\",\"operator\":\"" + op + "\",\"rightValue\":" + right
        + ",\"maxStep\":3,\"priority\":2,\"note\":\"n\"}";
  }

  private static List<Long> ids(HostStrategies host) {
    return host.getStrategiesList().stream().map(Strategy::getId).toList();
  }

  private static Strategy byId(HostStrategies host, long id) {
    return host.getStrategiesList().stream().filter(s -> s.getId() == id).findFirst().orElseThrow();
  }

  @Test
  void heartbeatUpsertsHostAndAnswersPluginDirsAndBuiltinItems() throws Exception {
    HbsHarness hbs = start();
    long group = hbs.create("/api/v1/groups", "{\"name\":\"web\"}");
    hbs.create("/api/v1/groups/" + group + "/plugins", "{\"dir\":\"sys/ntp\"}");
    hbs.create("/api/v1/groups/" + group + "/plugins", "{\"dir\":\"net/http\"}");
    long tpl = hbs.create("/api/v1/templates", "{\"name\":\"web-tpl\"}");
    hbs.create("/api/v1/strategies", strategy(tpl, "net.port.listen", "port=80", "<", 1));
    hbs.create("/api/v1/strategies", strategy(tpl, "proc.num", "name=nginx", "<", 1));
    hbs.create("/api/v1/strategies", strategy(tpl, "du.bs", " path = /data/log ", ">", 1e9));
    hbs.create("/api/v1/strategies", strategy(tpl, "cpu.busy", "", ">", 90));
    hbs.ok("/api/v1/groups/" + group + "/templates", "{\"templateId\":" + tpl + "}");
    hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"web-01\"]}");
    hbs.server.refreshNow();

    AgentConfig config = hbs.heartbeat("web-01", "10.0.0.1");

    assertThat(config.getPluginDirsList()).containsExactly("net/http", "sys/ntp");
    assertThat(config.getBuiltinItemsList()).extracting(BuiltinItem::getMetric, BuiltinItem::getTags)
        .containsExactlyInAnyOrder(tuple("net.port.listen", "port=80"), tuple("proc.num", "name=nginx"),
            tuple("du.bs", "path=/data/log"));
    assertThat(config.getTrustedIpsList()).containsExactly("10.0.0.9");

    hbs.heartbeat("web-01", "10.0.0.2");
    // a known host's heartbeat waits for the next batch (at most a second); the test writes it now
    assertThat(hbs.server.flushHeartbeats()).isEqualTo(1);
    JsonNode hosts = hbs.get("/api/v1/hosts").json();
    assertThat(hosts).hasSize(1);
    assertThat(hosts.get(0).get("hostname").asText()).isEqualTo("web-01");
    assertThat(hosts.get(0).get("ip").asText()).isEqualTo("10.0.0.2");
    assertThat(hosts.get(0).get("agentVersion").asText()).isEqualTo("1.2.3");
    assertThat(hosts.get(0).get("pluginVersion").asText()).isEqualTo("plugins-abc");
    assertThat(hosts.get(0).get("updateAt").asLong()).isEqualTo(HbsHarness.NOW.getEpochSecond());
    assertThat(hbs.text("/metrics")).contains("hbs_heartbeats_total{component=\"hbs\"} 2.0");
  }

  @Test
  void heartbeatWithoutUsableHostnameIsInvalidArgument() throws Exception {
    HbsHarness hbs = start();

    assertThatThrownBy(() -> hbs.heartbeat(" ", "10.0.0.1"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("hostname");
        });
    assertThatThrownBy(() -> hbs.heartbeat("h".repeat(256), "10.0.0.1"))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(hbs.get("/api/v1/hosts").json()).isEmpty();
    assertThat(hbs.text("/metrics")).contains("hbs_heartbeats_rejected_total{component=\"hbs\",reason=\"empty_hostname\"} 1.0");
  }

  @Test
  void hostInNoGroupJoinsTheDefaultGroup() throws Exception {
    HbsHarness hbs = start(HbsHarness.config(db, false, "fallback", Duration.ofHours(1)));
    long other = hbs.create("/api/v1/groups", "{\"name\":\"other\"}");
    hbs.ok("/api/v1/groups/" + other + "/hosts", "{\"hostnames\":[\"grouped-01\"]}");

    hbs.heartbeat("lonely-01", "10.0.0.1");
    hbs.heartbeat("grouped-01", "10.0.0.2");
    hbs.heartbeat("lonely-01", "10.0.0.1");

    Map<String, List<String>> members = new TreeMap<>();
    for (JsonNode g : hbs.get("/api/v1/groups").json()) {
      members.put(g.get("name").asText(), StreamSupport.stream(g.get("hosts").spliterator(), false)
          .map(JsonNode::asText).toList());
    }
    assertThat(members).containsExactly(Map.entry("fallback", List.of("lonely-01")),
        Map.entry("other", List.of("grouped-01")));
  }

  @Test
  void templatesInheritAndChildStrategiesOverrideTheParents() throws Exception {
    HbsHarness hbs = start();
    long parentAction = hbs.create("/api/v1/actions", "{\"uic\":\"ops\"}");
    long childAction = hbs.create("/api/v1/actions", "{\"uic\":\"dev\"}");
    long parent = hbs.create("/api/v1/templates", "{\"name\":\"base\",\"actionId\":" + parentAction + "}");
    long child = hbs.create("/api/v1/templates", "{\"name\":\"web\",\"parentId\":" + parent + "}");
    long grandchild = hbs.create("/api/v1/templates",
        "{\"name\":\"web-eu\",\"parentId\":" + child + ",\"actionId\":" + childAction + "}");
    long cpu90 = hbs.create("/api/v1/strategies", strategy(parent, "cpu.busy", "", ">", 90));
    long mem80 = hbs.create("/api/v1/strategies", strategy(parent, "mem.memused.percent", "", ">", 80));
    long dfRoot = hbs.create("/api/v1/strategies", strategy(parent, "df.bytes.used.percent", "mount=/", ">", 90));
    long cpu95 = hbs.create("/api/v1/strategies", strategy(child, "cpu.busy", "", ">", 95));
    long dfData = hbs.create("/api/v1/strategies",
        strategy(child, "df.bytes.used.percent", "mount=/data", ">", 95));
    long mem70 = hbs.create("/api/v1/strategies", strategy(grandchild, "mem.memused.percent", "", ">", 70));
    long webGroup = hbs.create("/api/v1/groups", "{\"name\":\"web\"}");
    long euGroup = hbs.create("/api/v1/groups", "{\"name\":\"web-eu\"}");
    long baseGroup = hbs.create("/api/v1/groups", "{\"name\":\"base\"}");
    hbs.ok("/api/v1/groups/" + webGroup + "/templates", "{\"templateId\":" + child + "}");
    hbs.ok("/api/v1/groups/" + euGroup + "/templates", "{\"templateId\":" + grandchild + "}");
    hbs.ok("/api/v1/groups/" + baseGroup + "/templates", "{\"templateId\":" + parent + "}");
    hbs.ok("/api/v1/groups/" + webGroup + "/hosts", "{\"hostnames\":[\"web-01\",\"both-01\"]}");
    hbs.ok("/api/v1/groups/" + euGroup + "/hosts", "{\"hostnames\":[\"eu-01\"]}");
    // bound to the parent directly too: the parent's overridden cpu90 must not come back
    hbs.ok("/api/v1/groups/" + baseGroup + "/hosts", "{\"hostnames\":[\"both-01\"]}");
    hbs.server.refreshNow();

    StrategySet set = hbs.strategies(0);

    HostStrategies web = hbs.host(set, "web-01").orElseThrow();
    assertThat(ids(web)).containsExactlyInAnyOrder(mem80, dfRoot, cpu95, dfData);
    assertThat(byId(web, cpu95).getTemplateId()).isEqualTo(child);
    assertThat(byId(web, cpu95).getActionId()).as("nearest ancestor with an action").isEqualTo(parentAction);
    assertThat(byId(web, cpu95).getRightValue()).isEqualTo(95);
    assertThat(byId(web, mem80).getTemplateId()).isEqualTo(parent);
    assertThat(byId(web, dfData).getTags()).isEqualTo("mount=/data");

    HostStrategies eu = hbs.host(set, "eu-01").orElseThrow();
    assertThat(ids(eu)).containsExactlyInAnyOrder(dfRoot, cpu95, dfData, mem70);
    assertThat(byId(eu, mem70).getActionId()).isEqualTo(childAction);
    assertThat(byId(eu, cpu95).getActionId()).isEqualTo(parentAction);

    assertThat(ids(hbs.host(set, "both-01").orElseThrow())).containsExactlyInAnyOrder(mem80, dfRoot, cpu95, dfData)
        .doesNotContain(cpu90);

    // a loop written by hand in SQL: the rebuild still succeeds and serves every host
    hbs.server.database().tx(h -> h.createUpdate("UPDATE tpl SET parent_id = :g WHERE id = :p")
        .bind("g", grandchild).bind("p", parent).execute());
    assertThat(hbs.server.refreshNow().tree().templatesInCycles()).contains(parent, child, grandchild);
    assertThat(hbs.host(hbs.strategies(0), "eu-01")).isPresent();
    assertThat(hbs.text("/metrics")).contains("hbs_config_refresh_failures_total{component=\"hbs\"} 0.0");
  }

  @Test
  void versionIsUnchangedUntilTheContentChanges() throws Exception {
    HbsHarness hbs = start();
    long tpl = hbs.create("/api/v1/templates", "{\"name\":\"t\"}");
    long group = hbs.create("/api/v1/groups", "{\"name\":\"g\"}");
    hbs.create("/api/v1/strategies", strategy(tpl, "cpu.busy", "", ">", 90));
    hbs.ok("/api/v1/groups/" + group + "/templates", "{\"templateId\":" + tpl + "}");
    hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"h1\"]}");
    hbs.create("/api/v1/expressions", "{\"expression\":\"each(metric=qps service=api)\",\"func\":\"all(#2)\","
        + "\"operator\":\">\",\"rightValue\":100,\"priority\":3,\"pause\":true}");
    hbs.create("/api/v1/expressions", "{\"expression\":\"calc(mem.memused / mem.memtotal * 100)\","
        + "\"func\":\"all(#3)\",\"operator\":\">\",\"rightValue\":90,\"priority\":2}");
    hbs.server.refreshNow();

    StrategySet first = hbs.strategies(0);
    assertThat(first.getVersion()).isNotZero();
    assertThat(first.getUnchanged()).isFalse();
    assertThat(first.getHostsList()).extracting(HostStrategies::getHostname).containsExactly("h1");
    assertThat(first.getExpressionsList()).extracting(Expression::getExpression, Expression::getPause)
        .containsExactly(tuple("each(metric=qps service=api)", true),
            tuple("calc(mem.memused / mem.memtotal * 100)", false));

    hbs.server.refreshNow();
    StrategySet again = hbs.strategies(first.getVersion());
    assertThat(again.getUnchanged()).isTrue();
    assertThat(again.getHostsCount()).isZero();
    assertThat(again.getExpressionsCount()).isZero();

    hbs.create("/api/v1/strategies", strategy(tpl, "mem.memused.percent", "", ">", 90));
    hbs.server.refreshNow();
    StrategySet changed = hbs.strategies(first.getVersion());
    assertThat(changed.getUnchanged()).isFalse();
    assertThat(changed.getVersion()).isNotEqualTo(first.getVersion());
    assertThat(hbs.host(changed, "h1").orElseThrow().getStrategiesCount()).isEqualTo(2);

    // a host in its maintenance window gets no strategies: the content, and so the version, change again
    long hostId = hbs.get("/api/v1/hosts").json().get(0).get("id").asLong();
    long now = HbsHarness.NOW.getEpochSecond();
    assertThat(hbs.put("/api/v1/hosts/" + hostId + "/maintenance",
        "{\"begin\":" + (now - 60) + ",\"end\":" + (now + 3600) + "}").status()).isEqualTo(200);
    StrategySet maintained = hbs.server.refreshNow().set();
    assertThat(maintained.getHostsList()).isEmpty();
    assertThat(maintained.getVersion()).isNotEqualTo(changed.getVersion());
  }

  @Test
  void mockConfigsResolveHostsAndGroupsAndAHostsOwnRowWins() throws Exception {
    HbsHarness hbs = start();
    long group = hbs.create("/api/v1/groups", "{\"name\":\"web\"}");
    hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"web-01\",\"web-02\"]}");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
        java.sql.Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO mockcfg (name, obj, obj_type, metric, tags, dstype, step, mock, creator) VALUES "
          + "('web alive', 'web', 'group', 'agent.alive', '', 'GAUGE', 60, -1, 'ops')");
      st.executeUpdate("INSERT INTO mockcfg (name, obj, obj_type, metric, tags, dstype, step, mock, creator) VALUES "
          + "('web-02 alive', 'web-02', 'host', 'agent.alive', '', 'GAUGE', 30, -2, 'ops')");
      st.executeUpdate("INSERT INTO mockcfg (name, obj, obj_type, metric, tags, dstype, step, mock, creator) VALUES "
          + "('bad tags', 'db-01', 'other', 'proc.num', 'nokey', 'GAUGE', 60, 0, 'ops')");
    }
    StrategySet set = hbs.server.refreshNow().set();
    assertThat(set.getMockConfigsList()).extracting(m -> m.getEndpoint(), m -> m.getName(), m -> m.getStep(),
            m -> m.getMock())
        .containsExactly(tuple("web-01", "web alive", 60, -1.0), tuple("web-02", "web-02 alive", 30, -2.0));
  }

  @Test
  void hostLivenessListsLastHeartbeatsAndMaintenance() throws Exception {
    HbsHarness hbs = start();
    hbs.heartbeat("web-01", "10.0.0.1");
    hbs.heartbeat("web-02", "10.0.0.2");
    long now = HbsHarness.NOW.getEpochSecond();
    long id = -1;
    for (JsonNode h : hbs.get("/api/v1/hosts").json()) {
      if (h.get("hostname").asText().equals("web-02")) {
        id = h.get("id").asLong();
      }
    }
    hbs.put("/api/v1/hosts/" + id + "/maintenance", "{\"begin\":" + (now - 60) + ",\"end\":" + (now + 60) + "}");
    io.peregrine.proto.v1.HostLiveness live = hbs.liveness();
    assertThat(live.getNow()).isEqualTo(now);
    assertThat(live.getHostsList()).extracting(h -> h.getHostname(), h -> h.getLastHeartbeat(),
            h -> h.getInMaintenance())
        .containsExactly(tuple("web-01", now, false), tuple("web-02", now, true));
  }

  @Test
  void receiversAreTheUsersOfTheActionsTeams() throws Exception {
    HbsHarness hbs = start();
    hbs.create("/api/v1/teams", "{\"name\":\"ops\",\"users\":[{\"name\":\"alice\",\"email\":\"alice@example.com\","
        + "\"phone\":\"+100\",\"im\":\"@alice\"},{\"name\":\"bob\",\"email\":\"bob@example.com\"}]}");
    long dev = hbs.create("/api/v1/teams", "{\"name\":\"dev\",\"users\":[{\"name\":\"carol\"}]}");
    hbs.ok("/api/v1/teams/" + dev + "/users", "{\"users\":[{\"name\":\"bob\",\"email\":\"bob@example.com\"}]}");
    long action = hbs.create("/api/v1/actions", "{\"uic\":\"ops, dev,ghost\",\"url\":\"http://127.0.0.1:9/cb\","
        + "\"callback\":true,\"beforeCallbackSms\":true,\"afterCallbackMail\":true}");

    Receivers r = hbs.hbs.getReceivers(ReceiversRequest.newBuilder().setActionId(action).build());

    assertThat(r.getFound()).isTrue();
    assertThat(r.getActionId()).isEqualTo(action);
    assertThat(r.getReceiversList()).extracting(Receiver::getName, Receiver::getEmail, Receiver::getPhone,
            Receiver::getIm)
        .containsExactly(tuple("alice", "alice@example.com", "+100", "@alice"),
            tuple("bob", "bob@example.com", "", ""), tuple("carol", "", "", ""));
    assertThat(r.getCallbackUrl()).isEqualTo("http://127.0.0.1:9/cb");
    assertThat(r.getBeforeCallbackSms()).isTrue();
    assertThat(r.getBeforeCallbackMail()).isFalse();
    assertThat(r.getAfterCallbackSms()).isFalse();
    assertThat(r.getAfterCallbackMail()).isTrue();

    Receivers unknown = hbs.hbs.getReceivers(ReceiversRequest.newBuilder().setActionId(987_654).build());
    assertThat(unknown.getFound()).isFalse();
    assertThat(unknown.getReceiversList()).isEmpty();
  }

  @Test
  void demoSeedRunsOnceAndReachesEveryHeartbeatingHost() throws Exception {
    HbsConfig config = HbsHarness.config(db, true, "peregrine-demo", Duration.ofHours(1));
    start(config).close();
    HbsHarness hbs = start(config);

    assertThat(hbs.get("/api/v1/templates").json()).extracting(t -> t.get("name").asText())
        .containsExactly("peregrine-demo");
    assertThat(hbs.get("/api/v1/strategies").json()).hasSize(4);
    assertThat(hbs.get("/api/v1/actions").json()).hasSize(1);
    JsonNode teams = hbs.get("/api/v1/teams").json();
    assertThat(teams).hasSize(1);
    assertThat(teams.get(0).get("name").asText()).isEqualTo("ops");
    assertThat(teams.get(0).get("users").get(0).get("email").asText()).isEqualTo("root@localhost");

    hbs.heartbeat("demo-host", "127.0.0.1");
    HostStrategies host = await().atMost(Duration.ofSeconds(10))
        .until(() -> hbs.host(hbs.strategies(0), "demo-host"), Optional::isPresent).orElseThrow();
    assertThat(host.getStrategiesList()).extracting(Strategy::getMetric, Strategy::getFunc, Strategy::getOperator,
            Strategy::getRightValue, Strategy::getMaxStep, Strategy::getPriority)
        .containsExactlyInAnyOrder(tuple("agent.alive", "all(#1)", "==", 1.0, 1, 6),
            tuple("demo.temperature", "all(#3)", ">", 90.0, 3, 1),
            tuple("cpu.busy", "all(#3)", ">", 90.0, 3, 2),
            tuple("mem.memused.percent", "all(#3)", ">", 90.0, 3, 2));
    long action = host.getStrategies(0).getActionId();
    assertThat(action).isEqualTo(hbs.get("/api/v1/actions").json().get(0).get("id").asLong());
    Receivers r = hbs.hbs.getReceivers(ReceiversRequest.newBuilder().setActionId(action).build());
    assertThat(r.getReceiversList()).extracting(Receiver::getName, Receiver::getEmail)
        .containsExactly(tuple("admin", "root@localhost"));
  }

  @Test
  void adminApiWritesReachGetStrategiesWithoutWaitingForTheTimer() throws Exception {
    HbsHarness hbs = start();
    long group = hbs.create("/api/v1/groups", "{\"name\":\"db\",\"createUser\":\"alice\"}");
    long tpl = hbs.create("/api/v1/templates", "{\"name\":\"db-tpl\"}");
    JsonNode bind = hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"db-01\",\"db-02\"]}");
    assertThat(bind.get("bound").asInt()).isEqualTo(2);
    assertThat(hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"db-01\"]}").get("alreadyBound")
        .asInt()).isEqualTo(1);
    hbs.ok("/api/v1/groups/" + group + "/templates", "{\"templateId\":" + tpl + "}");
    JsonNode created = hbs.post("/api/v1/strategies", "{\"templateId\":" + tpl + ",\"metric\":\"disk.io.util\","
        + "\"tags\":\"device=sda\",\"func\":\"lookup(#2, 3)\",\"operator\":\">=\",\"rightValue\":\"99.5\","
        + "\"maxStep\":0,\"priority\":0,\"runBegin\":\"08:00\",\"runEnd\":\"20:30\"}").json();
    long strategy = created.get("id").asLong();
    assertThat(created.get("func").asText()).isEqualTo("lookup(#2,3)");
    assertThat(created.get("rightValue").asText()).isEqualTo("99.5");

    HostStrategies db1 = await().atMost(Duration.ofSeconds(10))
        .until(() -> hbs.host(hbs.strategies(0), "db-01"), Optional::isPresent).orElseThrow();
    Strategy s = db1.getStrategies(0);
    assertThat(s.getId()).isEqualTo(strategy);
    assertThat(s.getTags()).isEqualTo("device=sda");
    assertThat(s.getRightValue()).isEqualTo(99.5);
    assertThat(s.getMaxStep()).isZero();
    assertThat(s.getRunBegin()).isEqualTo("08:00");
    assertThat(s.getRunEnd()).isEqualTo("20:30");
    assertThat(hbs.host(hbs.strategies(0), "db-02")).isPresent();
    JsonNode groups = hbs.get("/api/v1/groups/" + group).json();
    assertThat(groups.get("hosts")).extracting(JsonNode::asText).containsExactly("db-01", "db-02");
    assertThat(groups.get("templateIds")).extracting(JsonNode::asLong).containsExactly(tpl);

    assertThat(hbs.delete("/api/v1/strategies/" + strategy).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> hbs.strategies(0).getHostsCount() == 0);
    assertThat(hbs.delete("/api/v1/strategies/" + strategy).status()).isEqualTo(404);
    assertThat(hbs.get("/api/v1/groups/424242").status()).isEqualTo(404);
    assertThat(hbs.post("/api/v1/groups/424242/hosts", "{\"hostnames\":[\"x\"]}").status()).isEqualTo(404);
    assertThat(hbs.get("/api/v1/templates/abc").status()).isEqualTo(404);
    assertThat(hbs.post("/api/v1/groups", "{\"name\":\"db\"}").status()).isEqualTo(409);
    assertThat(hbs.delete("/api/v1/groups").status()).isEqualTo(405);

    JsonNode health = hbs.get("/health").json();
    assertThat(health.get("status").asText()).isEqualTo("UP");
    assertThat(health.get("checks").get("database").asText()).isEqualTo("UP");
    assertThat(hbs.text("/metrics")).contains("hbs_hosts{component=\"hbs\"} 2.0", "hbs_strategy_set_version",
        "hbs_strategy_set_strategies", "hikaricp_connections_max",
        "hbs_admin_requests_total{component=\"hbs\",method=\"POST\",status=\"201\"}");
  }

  @Test
  void badInputAnswers400NamingTheField() throws Exception {
    HbsHarness hbs = start();
    long tpl = hbs.create("/api/v1/templates", "{\"name\":\"t\"}");
    String good = "\"templateId\":" + tpl + ",\"metric\":\"cpu.busy\",\"operator\":\">\",\"rightValue\":90,"
        + "\"priority\":2";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("{\"templateId\":" + tpl + ",\"metric\":\"\",\"operator\":\">\",\"rightValue\":90,\"priority\":2}",
        "metric");
    cases.put("{" + good + ",\"func\":\"all(3)\"}", "func");
    cases.put("{" + good + ",\"func\":\"lookup(#4,3)\"}", "func");
    cases.put("{" + good + ",\"func\":\"median(#3)\"}", "func");
    cases.put("{\"templateId\":" + tpl + ",\"metric\":\"m\",\"operator\":\"=>\",\"rightValue\":9,\"priority\":2}",
        "operator");
    cases.put("{\"templateId\":" + tpl + ",\"metric\":\"m\",\"operator\":\">\",\"rightValue\":9,\"priority\":7}",
        "priority");
    cases.put("{\"templateId\":" + tpl + ",\"metric\":\"m\",\"operator\":\">\",\"rightValue\":9}", "priority");
    cases.put("{\"templateId\":" + tpl + ",\"metric\":\"m\",\"operator\":\">\",\"rightValue\":\"lots\","
        + "\"priority\":1}", "rightValue");
    cases.put("{" + good + ",\"maxStep\":-1}", "maxStep");
    cases.put("{" + good + ",\"runBegin\":\"25:00\",\"runEnd\":\"26:00\"}", "runBegin");
    cases.put("{" + good + ",\"runBegin\":\"08:00\"}", "runEnd");
    cases.put("{" + good + ",\"tags\":\"novalue\"}", "tags");
    cases.put("{" + good + ",\"maxstep\":3}", "maxstep");
    cases.put("{\"templateId\":424242,\"metric\":\"m\",\"operator\":\">\",\"rightValue\":9,\"priority\":1}",
        "templateId");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HbsHarness.Response r = hbs.post("/api/v1/strategies", c.getKey());
      assertThat(r.status()).as(c.getKey()).isEqualTo(400);
      assertThat(r.json().get("field").asText()).as(c.getKey()).isEqualTo(c.getValue());
      assertThat(r.json().get("error").asText()).as(c.getKey()).contains(c.getValue());
    }
    assertThat(hbs.post("/api/v1/strategies", "{not json").status()).isEqualTo(400);
    assertThat(hbs.post("/api/v1/strategies", "[1]").json().get("error").asText()).contains("JSON object");
    assertThat(hbs.post("/api/v1/templates", "{\"name\":\"c\",\"parentId\":424242}").json().get("field").asText())
        .isEqualTo("parentId");
    assertThat(hbs.post("/api/v1/expressions", "{\"expression\":\"qps > 3\",\"operator\":\">\",\"rightValue\":1,"
        + "\"priority\":1}").json().get("field").asText()).isEqualTo("expression");
    assertThat(hbs.post("/api/v1/expressions", "{\"expression\":\"calc(1 + 2)\",\"operator\":\">\","
        + "\"rightValue\":1,\"priority\":1}").json().get("field").asText()).isEqualTo("expression");
    assertThat(hbs.post("/api/v1/teams", "{\"name\":\"t\",\"users\":[{\"email\":\"x@y\"}]}").json().get("field")
        .asText()).isEqualTo("users[0].name");
    assertThat(hbs.post("/api/v1/actions", "{\"uic\":\"ops\",\"callback\":true,\"url\":\"ftp://x\"}").json()
        .get("field").asText()).isEqualTo("url");
    long group = hbs.create("/api/v1/groups", "{\"name\":\"g\"}");
    assertThat(hbs.post("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":\"web-01\"}").json().get("field")
        .asText()).isEqualTo("hostnames");
    assertThat(hbs.get("/api/v1/strategies").json()).isEmpty();
  }
}
