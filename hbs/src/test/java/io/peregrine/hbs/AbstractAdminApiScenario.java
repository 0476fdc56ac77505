package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin API's CRUD, referential rules and paging through the real HTTP port, on one database. Subclasses pick
 * the database (H2, MariaDB, PostgreSQL); {@link AdminBadInputCases} holds the bad-input table.
 */
abstract class AbstractAdminApiScenario {
  private TestDatabase db;
  private HbsHarness hbs;

  abstract TestDatabase openDatabase() throws Exception;

  /** Hosts inserted by the paging test: 100,000 on H2; fewer on the servers, which the whole build shares. */
  abstract int manyHosts();

  @BeforeEach
  void open() throws Exception {
    db = openDatabase();
    hbs = new HbsHarness(HbsHarness.config(db));
  }

  @AfterEach
  void close() throws Exception {
    hbs.close();
    db.close();
  }

  private JsonNode ok(HbsHarness.Response r) {
    assertThat(r.status()).as("%s", r.json()).isEqualTo(200);
    return r.json();
  }

  private void conflict(HbsHarness.Response r, String... mentions) {
    assertThat(r.status()).as("%s", r.json()).isEqualTo(409);
    for (String m : mentions) {
      assertThat(r.json().get("error").asText()).contains(m);
    }
  }

  @Test
  void everyEntityIsCreatedReadUpdatedAndDeleted() throws Exception {
    long host = hbs.create("/api/v1/hosts", "{\"hostname\":\"web-01\",\"ip\":\"10.0.0.1\"}");
    assertThat(ok(hbs.get("/api/v1/hosts/" + host)).get("ip").asText()).isEqualTo("10.0.0.1");
    JsonNode put = ok(hbs.put("/api/v1/hosts/" + host, "{\"hostname\":\"web-01a\",\"ip\":\"10.0.0.2\"}"));
    assertThat(put.get("hostname").asText()).isEqualTo("web-01a");
    JsonNode patched = ok(hbs.patch("/api/v1/hosts/" + host, "{\"maintainBegin\":10,\"maintainEnd\":20}"));
    assertThat(patched.get("ip").asText()).isEqualTo("10.0.0.2");
    assertThat(patched.get("maintainEnd").asLong()).isEqualTo(20);
    assertThat(ok(hbs.patch("/api/v1/hosts/" + host, "{\"ip\":null}")).get("ip").asText()).isEmpty();
    conflict(hbs.post("/api/v1/hosts", "{\"hostname\":\"web-01a\"}"));

    long group = hbs.create("/api/v1/groups", "{\"name\":\"web\"}");
    assertThat(ok(hbs.patch("/api/v1/groups/" + group, "{\"createUser\":\"bob\"}")).get("name").asText())
        .isEqualTo("web");
    assertThat(ok(hbs.put("/api/v1/groups/" + group, "{\"name\":\"web2\"}")).get("createUser").asText()).isEmpty();
    hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"web-01a\",\"web-02\"]}");
    JsonNode members = ok(hbs.get("/api/v1/groups/" + group + "/hosts"));
    assertThat(members).extracting(n -> n.get("hostname").asText()).containsExactly("web-01a", "web-02");
    ok(hbs.delete("/api/v1/groups/" + group + "/hosts/" + host));
    assertThat(hbs.delete("/api/v1/groups/" + group + "/hosts/" + host).status()).isEqualTo(404);

    long plugin = hbs.create("/api/v1/groups/" + group + "/plugins", "{\"dir\":\"sys/ntp\"}");
    assertThat(ok(hbs.get("/api/v1/plugins?groupId=" + group))).hasSize(1);
    assertThat(ok(hbs.patch("/api/v1/plugins/" + plugin, "{\"dir\":\"sys/chrony\"}")).get("dir").asText())
        .isEqualTo("sys/chrony");
    assertThat(hbs.patch("/api/v1/plugins/" + plugin, "{\"groupId\":424242}").json().get("field").asText())
        .isEqualTo("groupId");
    ok(hbs.delete("/api/v1/plugins/" + plugin));
    assertThat(hbs.get("/api/v1/plugins/" + plugin).status()).isEqualTo(404);

    long action = hbs.create("/api/v1/actions", "{\"uic\":\"ops\"}");
    assertThat(ok(hbs.patch("/api/v1/actions/" + action, "{\"callback\":true,\"url\":\"http://hook\"}"))
        .get("uic").asText()).isEqualTo("ops");
    assertThat(ok(hbs.put("/api/v1/actions/" + action, "{\"uic\":\"dev\"}")).get("callback").asBoolean()).isFalse();

    long tpl = hbs.create("/api/v1/templates", "{\"name\":\"base\"}");
    long child = hbs.create("/api/v1/templates", "{\"name\":\"child\",\"parentId\":" + tpl + "}");
    assertThat(ok(hbs.patch("/api/v1/templates/" + child, "{\"actionId\":" + action + "}")).get("parentId").asLong())
        .isEqualTo(tpl);
    assertThat(ok(hbs.get("/api/v1/templates?parentId=" + tpl))).extracting(n -> n.get("id").asLong())
        .containsExactly(child);

    long s = hbs.create("/api/v1/strategies", "{\"templateId\":" + tpl + ",\"metric\":\"cpu.busy\","
        + "\"operator\":\">\",\"rightValue\":90,\"priority\":2}");
    JsonNode sp = ok(hbs.patch("/api/v1/strategies/" + s, "{\"rightValue\":95.5,\"func\":\"max(#3)\"}"));
    assertThat(sp.get("rightValue").asText()).isEqualTo("95.5");
    assertThat(sp.get("metric").asText()).isEqualTo("cpu.busy");
    JsonNode sput = ok(hbs.put("/api/v1/strategies/" + s, "{\"templateId\":" + child + ",\"metric\":\"mem.used\","
        + "\"tags\":\"b=2,a=1\",\"operator\":\"<\",\"rightValue\":1,\"priority\":0}"));
    assertThat(sput.get("tags").asText()).isEqualTo("a=1,b=2");
    assertThat(sput.get("func").asText()).isEqualTo("all(#1)");
    assertThat(ok(hbs.get("/api/v1/strategies?metric=mem.used"))).hasSize(1);
    ok(hbs.delete("/api/v1/strategies/" + s));

    long x = hbs.create("/api/v1/expressions", "{\"expression\":\"each(metric=qps service=api)\",\"operator\":\">\","
        + "\"rightValue\":1,\"priority\":3,\"actionId\":" + action + "}");
    assertThat(ok(hbs.patch("/api/v1/expressions/" + x, "{\"pause\":true}")).get("pause").asBoolean()).isTrue();
    assertThat(ok(hbs.get("/api/v1/expressions/" + x)).get("actionId").asLong()).isEqualTo(action);
    ok(hbs.delete("/api/v1/expressions/" + x));

    long team = hbs.create("/api/v1/teams", "{\"name\":\"sre\",\"users\":[{\"name\":\"alice\"}]}");
    long alice = ok(hbs.get("/api/v1/users?namePrefix=ali")).get(0).get("id").asLong();
    assertThat(ok(hbs.patch("/api/v1/users/" + alice, "{\"email\":\"a@x\"}")).get("name").asText())
        .isEqualTo("alice");
    long bob = hbs.create("/api/v1/users", "{\"name\":\"bob\",\"phone\":\"+1555\"}");
    conflict(hbs.post("/api/v1/users", "{\"name\":\"bob\"}"));
    JsonNode t = ok(hbs.put("/api/v1/teams/" + team, "{\"name\":\"sre2\",\"users\":[{\"name\":\"bob\"}]}"));
    assertThat(t.get("users")).extracting(n -> n.get("name").asText()).containsExactly("bob");
    assertThat(ok(hbs.patch("/api/v1/teams/" + team, "{\"resume\":\"on call\"}")).get("users")).hasSize(1);
    ok(hbs.delete("/api/v1/users/" + bob));
    assertThat(ok(hbs.get("/api/v1/teams/" + team)).get("users")).isEmpty();
    hbs.ok("/api/v1/teams/" + team + "/users", "{\"users\":[{\"name\":\"alice\",\"email\":\"a@y\"}]}");
    ok(hbs.delete("/api/v1/teams/" + team + "/users/" + alice));
    ok(hbs.delete("/api/v1/teams/" + team));
    // naming a user in a team updates their contacts; deleting the team leaves the user
    assertThat(ok(hbs.get("/api/v1/users/" + alice)).get("email").asText()).isEqualTo("a@y");

    long nd = hbs.create("/api/v1/nodata", "{\"name\":\"agent-gone\",\"obj\":\"web2\",\"objType\":\"group\","
        + "\"metric\":\"agent.alive\",\"mock\":-1}");
    JsonNode ndp = ok(hbs.patch("/api/v1/nodata/" + nd, "{\"step\":30,\"tags\":\"z=1,a=2\"}"));
    assertThat(ndp.get("tags").asText()).isEqualTo("a=2,z=1");
    assertThat(ndp.get("dstype").asText()).isEqualTo("GAUGE");
    conflict(hbs.post("/api/v1/nodata", "{\"name\":\"agent-gone\",\"obj\":\"h\",\"objType\":\"host\","
        + "\"metric\":\"m\",\"mock\":0}"));
    ok(hbs.delete("/api/v1/nodata/" + nd));

    ok(hbs.delete("/api/v1/hosts/" + host));
    assertThat(hbs.get("/api/v1/hosts/" + host).status()).isEqualTo(404);
    assertThat(hbs.delete("/api/v1/hosts/" + host).status()).isEqualTo(404);
  }

  @Test
  void referentialRulesAreEnforced() throws Exception {
    long action = hbs.create("/api/v1/actions", "{\"uic\":\"ops, dev\"}");
    long base = hbs.create("/api/v1/templates", "{\"name\":\"base\",\"actionId\":" + action + "}");
    long child = hbs.create("/api/v1/templates", "{\"name\":\"child\",\"parentId\":" + base + "}");
    long grand = hbs.create("/api/v1/templates", "{\"name\":\"grand\",\"parentId\":" + child + "}");
    long group = hbs.create("/api/v1/groups", "{\"name\":\"web\"}");
    hbs.ok("/api/v1/groups/" + group + "/templates", "{\"templateId\":" + grand + "}");
    hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"web-01\"]}");
    hbs.create("/api/v1/groups/" + group + "/plugins", "{\"dir\":\"sys/ntp\"}");
    long s = hbs.create("/api/v1/strategies", "{\"templateId\":" + grand + ",\"metric\":\"cpu.busy\","
        + "\"operator\":\">\",\"rightValue\":90,\"priority\":2}");

    conflict(hbs.delete("/api/v1/templates/" + grand), "web");
    conflict(hbs.delete("/api/v1/templates/" + base), "child");
    conflict(hbs.delete("/api/v1/actions/" + action), "base");
    long x = hbs.create("/api/v1/expressions", "{\"expression\":\"each(metric=qps)\",\"operator\":\">\","
        + "\"rightValue\":1,\"priority\":3,\"actionId\":" + action + "}");
    ok(hbs.patch("/api/v1/templates/" + base, "{\"actionId\":0}"));
    conflict(hbs.delete("/api/v1/actions/" + action), "expression", Long.toString(x));

    // a parent may not be the template itself or one of its descendants
    for (long parent : new long[] {base, child, grand}) {
      HbsHarness.Response loop = hbs.patch("/api/v1/templates/" + base, "{\"parentId\":" + parent + "}");
      assertThat(loop.status()).isEqualTo(400);
      assertThat(loop.json().get("field").asText()).isEqualTo("parentId");
    }
    assertThat(hbs.patch("/api/v1/templates/" + base, "{\"actionId\":424242}").json().get("field").asText())
        .isEqualTo("actionId");
    assertThat(hbs.patch("/api/v1/strategies/" + s, "{\"templateId\":424242}").json().get("field").asText())
        .isEqualTo("templateId");
    assertThat(hbs.post("/api/v1/groups/" + group + "/templates", "{\"templateId\":424242}").json().get("field")
        .asText()).isEqualTo("templateId");

    long team = hbs.create("/api/v1/teams", "{\"name\":\"dev\"}");
    conflict(hbs.delete("/api/v1/teams/" + team), "dev", Long.toString(action));
    conflict(hbs.patch("/api/v1/teams/" + team, "{\"name\":\"devs\"}"), "dev");
    ok(hbs.patch("/api/v1/teams/" + team, "{\"resume\":\"renaming nothing is fine\"}"));

    // unbinding makes the template deletable; deleting it deletes its strategies
    ok(hbs.delete("/api/v1/groups/" + group + "/templates/" + grand));
    assertThat(hbs.delete("/api/v1/groups/" + group + "/templates/" + grand).status()).isEqualTo(404);
    ok(hbs.delete("/api/v1/templates/" + grand));
    assertThat(hbs.get("/api/v1/strategies/" + s).status()).isEqualTo(404);

    // deleting a group deletes its bindings and plugin dirs, not its hosts or templates
    hbs.ok("/api/v1/groups/" + group + "/templates", "{\"templateId\":" + child + "}");
    ok(hbs.delete("/api/v1/groups/" + group));
    assertThat(ok(hbs.get("/api/v1/plugins"))).isEmpty();
    assertThat(ok(hbs.get("/api/v1/hosts"))).hasSize(1);
    ok(hbs.delete("/api/v1/templates/" + child));
    assertThat(hbs.get("/api/v1/groups/" + group).status()).isEqualTo(404);

    // a host deleted leaves its groups
    long other = hbs.create("/api/v1/groups", "{\"name\":\"other\"}");
    hbs.ok("/api/v1/groups/" + other + "/hosts", "{\"hostnames\":[\"web-01\"]}");
    long host = ok(hbs.get("/api/v1/hosts?hostnamePrefix=web-")).get(0).get("id").asLong();
    ok(hbs.delete("/api/v1/hosts/" + host));
    assertThat(ok(hbs.get("/api/v1/groups/" + other)).get("hosts")).isEmpty();
  }

  @Test
  void bindingTenThousandNamesAddsTheNewHostsInBatches() throws Exception {
    long group = hbs.create("/api/v1/groups", "{\"name\":\"fleet\"}");
    hbs.create("/api/v1/hosts", "{\"hostname\":\"fleet-00007\"}");
    hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"fleet-00003\"]}");
    StringBuilder names = new StringBuilder("\"fleet-00003\"");
    for (int i = 0; i < 9_999; i++) {
      names.append(",\"").append(String.format("fleet-%05d", i)).append('"');
    }
    JsonNode r = hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[" + names + "]}");
    // 9,999 distinct names, one of them bound before; the repeated name counts as already bound
    assertThat(r.get("bound").asInt()).isEqualTo(9_998);
    assertThat(r.get("alreadyBound").asInt()).isEqualTo(2);
    assertThat(hbs.get("/api/v1/groups/" + group + "/hosts?limit=1").header("X-Total-Count")).isEqualTo("9999");
    assertThat(hbs.get("/api/v1/hosts?limit=1").header("X-Total-Count")).isEqualTo("9999");
    JsonNode again = hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[" + names + "]}");
    assertThat(again.get("bound").asInt()).isZero();
  }

  @Test
  void listsPageThroughManyHostsInOrder() throws Exception {
    int n = manyHosts();
    hbs.server.database().tx(h -> {
      var batch = h.prepareBatch("INSERT INTO host (hostname, ip) VALUES (:name, :ip)");
      for (int i = 0; i < n; i++) {
        batch.bind("name", String.format("host-%06d", i)).bind("ip", "10.0." + (i % 7) + ".1").add();
      }
      return batch.execute();
    });
    long group = hbs.create("/api/v1/groups", "{\"name\":\"some\"}");
    hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"host-000003\",\"host-000001\"]}");

    int limit = Math.max(n / 20, 1);
    List<String> seen = new ArrayList<>();
    String next = "/api/v1/hosts?limit=" + limit;
    while (next != null) {
      HbsHarness.Response page = hbs.get(next);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.header("X-Total-Count")).isEqualTo(Integer.toString(n));
      page.json().forEach(h -> seen.add(h.get("hostname").asText()));
      String link = page.header("Link");
      next = link == null ? null : link.substring(1, link.indexOf('>'));
    }
    assertThat(seen).hasSize(n).isSorted();
    assertThat(new HashSet<>(seen)).hasSize(n);
    // the Link pages by keyset (after=cursor) unless the request paged by offset
    assertThat(hbs.get("/api/v1/hosts?limit=1").header("Link")).contains("after=").doesNotContain("offset");
    assertThat(hbs.get("/api/v1/hosts?limit=1&offset=0").header("Link")).contains("offset=1");
    assertThat(hbs.get("/api/v1/hosts?limit=1&sort=-updateAt").header("Link")).contains("offset=1");
    for (String sort : List.of("-hostname", "id", "-id")) {
      List<Long> ids = new ArrayList<>();
      String link = "/api/v1/hosts?sort=" + sort + "&limit=" + limit;
      while (link != null) {
        HbsHarness.Response page = hbs.get(link);
        assertThat(page.status()).as("%s", page.json()).isEqualTo(200);
        page.json().forEach(h -> ids.add(h.get("id").asLong()));
        String header = page.header("Link");
        link = header == null ? null : header.substring(1, header.indexOf('>'));
      }
      assertThat(new HashSet<>(ids)).as(sort).hasSize(n + 0);
    }
    // a filter stays applied across keyset pages, and the total counts the whole filter
    HbsHarness.Response first = hbs.get("/api/v1/hosts?ip=10.0.3.1&limit=2&sort=-hostname");
    String second = first.header("Link");
    assertThat(second).contains("ip=10.0.3.1");
    HbsHarness.Response page2 = hbs.get(second.substring(1, second.indexOf('>')));
    assertThat(page2.header("X-Total-Count")).isEqualTo(first.header("X-Total-Count"));
    assertThat(page2.json().get(0).get("hostname").asText())
        .isLessThan(first.json().get(1).get("hostname").asText());

    JsonNode last = ok(hbs.get("/api/v1/hosts?sort=-hostname&limit=2"));
    assertThat(last).extracting(h -> h.get("hostname").asText())
        .containsExactly(String.format("host-%06d", n - 1), String.format("host-%06d", n - 2));
    JsonNode deep = ok(hbs.get("/api/v1/hosts?sort=id&limit=1&offset=" + (n - 1)));
    assertThat(deep.get(0).get("hostname").asText()).isEqualTo(String.format("host-%06d", n - 1));
    assertThat(ok(hbs.get("/api/v1/hosts?hostnamePrefix=host-00001&limit=10000"))).hasSize(Math.min(10, n));
    assertThat(ok(hbs.get("/api/v1/hosts?ip=10.0.3.1&limit=1")).get(0).get("ip").asText()).isEqualTo("10.0.3.1");
    assertThat(ok(hbs.get("/api/v1/hosts?groupId=" + group))).extracting(h -> h.get("hostname").asText())
        .containsExactly("host-000001", "host-000003");
    assertThat(ok(hbs.get("/api/v1/groups/" + group + "/hosts?sort=-hostname")))
        .extracting(h -> h.get("hostname").asText()).containsExactly("host-000003", "host-000001");
    assertThat(hbs.get("/api/v1/hosts?offset=" + n).json()).isEmpty();

    // SQL's LIKE wildcards in a prefix match themselves only
    hbs.create("/api/v1/hosts", "{\"hostname\":\"a%_b\"}");
    assertThat(ok(hbs.get("/api/v1/hosts?hostnamePrefix=%25"))).isEmpty();
    assertThat(ok(hbs.get("/api/v1/hosts?hostnamePrefix=a%25_"))).hasSize(1);
    assertThat(ok(hbs.get("/api/v1/hosts?hostnamePrefix=a_"))).isEmpty();
    Set<String> shapes = new HashSet<>();
    ok(hbs.get("/api/v1/hosts?limit=1")).get(0).fieldNames().forEachRemaining(shapes::add);
    assertThat(shapes).containsExactlyInAnyOrder("id", "hostname", "ip", "agentVersion", "pluginVersion",
        "maintainBegin", "maintainEnd", "updateAt");
  }

  @Test
  void exportImportRoundTripIsStableIdempotentAndDryRunOnlyPrints() throws Exception {
    long action = hbs.create("/api/v1/actions", "{\"uic\":\"ops\",\"url\":\"http://hook\",\"callback\":true}");
    hbs.create("/api/v1/teams", "{\"name\":\"ops\",\"users\":[{\"name\":\"bob\",\"email\":\"b@x\"},"
        + "{\"name\":\"alice\",\"phone\":\"+1\"}]}");
    long base = hbs.create("/api/v1/templates", "{\"name\":\"base\",\"actionId\":" + action + "}");
    long web = hbs.create("/api/v1/templates", "{\"name\":\"web\",\"parentId\":" + base + "}");
    long cpu = hbs.create("/api/v1/strategies", "{\"templateId\":" + base + ",\"metric\":\"cpu.busy\","
        + "\"operator\":\">\",\"rightValue\":90,\"priority\":2,\"func\":\"all(#3)\",\"maxStep\":3}");
    hbs.create("/api/v1/strategies", "{\"templateId\":" + web + ",\"metric\":\"net.port.listen\","
        + "\"tags\":\"port=80\",\"operator\":\"<\",\"rightValue\":1,\"priority\":1,\"runBegin\":\"08:00\","
        + "\"runEnd\":\"20:00\"}");
    long group = hbs.create("/api/v1/groups", "{\"name\":\"web\"}");
    hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"web-02\",\"web-01\"]}");
    hbs.ok("/api/v1/groups/" + group + "/templates", "{\"templateId\":" + web + "}");
    hbs.create("/api/v1/groups/" + group + "/plugins", "{\"dir\":\"sys/ntp\"}");
    hbs.create("/api/v1/expressions", "{\"expression\":\"each(metric=qps service=api)\",\"operator\":\">\","
        + "\"rightValue\":1000,\"priority\":3,\"actionId\":" + action + "}");
    hbs.create("/api/v1/nodata", "{\"name\":\"web-alive\",\"obj\":\"web\",\"objType\":\"group\","
        + "\"metric\":\"agent.alive\",\"mock\":-1}");

    io.peregrine.hbs.admin.ConfigYaml here = new io.peregrine.hbs.admin.ConfigYaml(hbs.server.database());
    String yaml = here.export();
    assertThat(yaml).contains("name: base", "parent: base", "metric: cpu.busy", "- web-01", "uic: ops")
        .doesNotContain("Id:");
    assertThat(here.importYaml(yaml, false)).isEmpty();
    assertThat(here.export()).isEqualTo(yaml);

    try (TestDatabase otherDb = openDatabase(); HbsHarness other = new HbsHarness(HbsHarness.config(otherDb))) {
      io.peregrine.hbs.admin.ConfigYaml there = new io.peregrine.hbs.admin.ConfigYaml(other.server.database());
      assertThat(there.importYaml(yaml, true)).contains("+ template base", "+ group web", "+ user alice");
      assertThat(there.export()).doesNotContain("cpu.busy");
      assertThat(there.importYaml(yaml, false)).contains("+ template web", "+ nodata web-alive");
      assertThat(there.export()).isEqualTo(yaml);
      assertThat(there.importYaml(yaml, false)).isEmpty();
      other.server.refreshNow(); // an import writes SQL; a running hbs sees it at its next configRefresh
      assertThat(other.strategies(0).getHostsList()).isNotEmpty();
    }

    String changed = yaml.replace("rightValue: \"90\"", "rightValue: \"95\"").replace("- sys/ntp", "- sys/chrony");
    assertThat(changed).isNotEqualTo(yaml);
    List<String> diff = here.importYaml(changed, true);
    assertThat(diff).anyMatch(l -> l.startsWith("~ template base strategy cpu.busy{}: rightValue"))
        .anyMatch(l -> l.startsWith("~ group web: pluginDirs"));
    assertThat(here.export()).isEqualTo(yaml);
    assertThat(here.importYaml(changed, false)).isEqualTo(diff);
    assertThat(ok(hbs.get("/api/v1/strategies/" + cpu)).get("rightValue").asText()).isEqualTo("95");
    assertThat(here.importYaml(changed, false)).isEmpty();

    String broken = yaml.replace("parent: base", "parent: nowhere");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> here.importYaml(broken, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nowhere");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> here.importYaml("groups: [{name: g, bogus: 1}]", true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bogus");
    String before = here.export();
    for (String[] bad : new String[][] {
        {"templates: [{name: t, strategies: [{operator: '>', rightValue: '1', priority: 1}]}]", "metric"},
        {"templates: [{name: t, strategies: [{metric: m, operator: '=>', rightValue: '1', priority: 1}]}]", "operator"},
        {"templates: [{name: t, strategies: [{metric: m, operator: '>', rightValue: x, priority: 1}]}]", "rightValue"},
        {"templates: [{name: t, parent: t}]", "itself"},
        {"groups: [{name: g, hosts: ['']}]", "host"},
        {"nodata: [{name: n, obj: h, objType: vm, metric: m, mock: 1}]", "objType"},
        {"teams: [{name: t, users: [nobody]}]", "nobody"},
        {"users: [{name: a}, {name: a}]", "twice"},
        {"", "not a configuration file"}, {"~", "empty"}}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> here.importYaml(bad[0], false)).as(bad[0])
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad[1]);
    }
    assertThat(here.export()).as("a refused file writes nothing").isEqualTo(before);
  }

  @Test
  void badInputOnEveryRouteAnswersAClearError() throws Exception {
    AdminBadInputCases.run(hbs);
  }
}
