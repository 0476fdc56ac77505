package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Bad input on every admin route: wrong types, missing fields, values out of range, unknown fields, oversize and
 * non-JSON bodies, bad query parameters, unknown paths and methods; and SQL metacharacters, which are data. Each
 * case states the status and, for a 400, the field the answer must name.
 */
final class AdminBadInputCases {
  private record Case(String method, String path, String body, int status, String field) {
  }

  private AdminBadInputCases() {}

  static void run(HbsHarness hbs) throws Exception {
    long host = hbs.create("/api/v1/hosts", "{\"hostname\":\"h1\"}");
    long group = hbs.create("/api/v1/groups", "{\"name\":\"g1\"}");
    long plugin = hbs.create("/api/v1/groups/" + group + "/plugins", "{\"dir\":\"sys/ntp\"}");
    long tpl = hbs.create("/api/v1/templates", "{\"name\":\"t1\"}");
    String good = "\"templateId\":" + tpl + ",\"metric\":\"cpu.busy\",\"operator\":\">\",\"rightValue\":90,"
        + "\"priority\":2";
    long strategy = hbs.create("/api/v1/strategies", "{" + good + "}");
    long action = hbs.create("/api/v1/actions", "{\"uic\":\"ops\"}");
    String goodX = "\"expression\":\"each(metric=qps)\",\"operator\":\">\",\"rightValue\":1,\"priority\":1";
    long expression = hbs.create("/api/v1/expressions", "{" + goodX + "}");
    long team = hbs.create("/api/v1/teams", "{\"name\":\"team1\"}");
    long user = hbs.create("/api/v1/users", "{\"name\":\"u1\"}");
    String goodN = "\"name\":\"n\",\"obj\":\"h1\",\"objType\":\"host\",\"metric\":\"agent.alive\",\"mock\":-1";
    long nodata = hbs.create("/api/v1/nodata", "{" + goodN + "}");

    List<Case> cases = new ArrayList<>();
    String hosts = "/api/v1/hosts";
    cases.add(new Case("POST", hosts, "{}", 400, "hostname"));
    cases.add(new Case("POST", hosts, "{\"hostname\":5}", 400, "hostname"));
    cases.add(new Case("POST", hosts, "{\"hostname\":\"x\",\"ip\":7}", 400, "ip"));
    cases.add(new Case("POST", hosts, "{\"hostname\":\"x\",\"maintainBegin\":\"1\"}", 400, "maintainBegin"));
    cases.add(new Case("POST", hosts, "{\"hostname\":\"x\",\"maintainBegin\":5,\"maintainEnd\":1}", 400,
        "maintainEnd"));
    cases.add(new Case("POST", hosts, "{\"hostname\":\"a\\u0001b\"}", 400, "hostname"));
    cases.add(new Case("POST", hosts, "{\"hostname\":\"" + "x".repeat(256) + "\"}", 400, "hostname"));
    cases.add(new Case("POST", hosts, "{\"hostname\":\"x\",\"agentVersion\":\"1\"}", 400, "agentVersion"));
    cases.add(new Case("PUT", hosts + "/" + host, "{\"ip\":\"1.2.3.4\"}", 400, "hostname"));
    cases.add(new Case("PATCH", hosts + "/" + host, "{\"maintainBegin\":-1}", 400, "maintainBegin"));
    cases.add(new Case("PATCH", hosts + "/" + host, "{\"hostname\":null}", 400, "hostname"));
    cases.add(new Case("PUT", hosts + "/" + host + "/maintenance", "{\"begin\":1}", 400, "end"));
    cases.add(new Case("PUT", hosts + "/" + host + "/maintenance", "{\"begin\":9,\"end\":1}", 400, "end"));

    String groups = "/api/v1/groups";
    cases.add(new Case("POST", groups, "{\"name\":\"\"}", 400, "name"));
    cases.add(new Case("POST", groups, "{\"name\":[\"x\"]}", 400, "name"));
    cases.add(new Case("PUT", groups + "/" + group, "{\"name\":\"" + "x".repeat(256) + "\"}", 400, "name"));
    cases.add(new Case("PATCH", groups + "/" + group, "{\"createUser\":false}", 400, "createUser"));
    cases.add(new Case("POST", groups + "/" + group + "/hosts", "{\"hostnames\":\"web\"}", 400, "hostnames"));
    cases.add(new Case("POST", groups + "/" + group + "/hosts", "{\"hostnames\":[\"a\",\" \"]}", 400,
        "hostnames[1]"));
    cases.add(new Case("POST", groups + "/" + group + "/hosts", "{\"hostnames\":[1]}", 400, "hostnames[0]"));
    cases.add(new Case("POST", groups + "/" + group + "/hosts", "{}", 400, "hostnames"));
    cases.add(new Case("POST", groups + "/424242/hosts", "{\"hostnames\":[\"x\"]}", 404, null));
    cases.add(new Case("POST", groups + "/" + group + "/templates", "{\"templateId\":\"1\"}", 400, "templateId"));
    cases.add(new Case("POST", groups + "/" + group + "/templates", "{\"templateId\":0}", 400, "templateId"));
    cases.add(new Case("POST", groups + "/" + group + "/plugins", "{}", 400, "dir"));
    cases.add(new Case("PUT", "/api/v1/plugins/" + plugin, "{\"dir\":\"x\"}", 400, "groupId"));
    cases.add(new Case("PATCH", "/api/v1/plugins/" + plugin, "{\"dir\":\"\"}", 400, "dir"));

    String templates = "/api/v1/templates";
    cases.add(new Case("POST", templates, "{\"name\":\"t\",\"parentId\":-1}", 400, "parentId"));
    cases.add(new Case("POST", templates, "{\"name\":\"t\",\"parentId\":1.5}", 400, "parentId"));
    cases.add(new Case("POST", templates, "{\"name\":\"t\",\"actionId\":424242}", 400, "actionId"));
    cases.add(new Case("PUT", templates + "/" + tpl, "{\"parentId\":0}", 400, "name"));
    cases.add(new Case("PATCH", templates + "/" + tpl, "{\"parentId\":" + tpl + "}", 400, "parentId"));
    cases.add(new Case("POST", templates, "{\"name\":\"t1\"}", 409, null));

    String strategies = "/api/v1/strategies";
    cases.add(new Case("POST", strategies, "{" + good + ",\"priority\":\"2\"}", 400, "priority"));
    cases.add(new Case("POST", strategies, "{" + good.replace("90", "true") + "}", 400, "rightValue"));
    cases.add(new Case("POST", strategies, "{" + good + ",\"maxStep\":1.5}", 400, "maxStep"));
    cases.add(new Case("POST", strategies, "{" + good.replace("90", "\"NaN\"") + "}", 400, "rightValue"));
    cases.add(new Case("POST", strategies, "{" + good + ",\"templateId\":99999999999999999999999}", 400,
        "templateId"));
    cases.add(new Case("PUT", strategies + "/" + strategy, "{" + good.replace("\">\"", "\"=>\"") + "}", 400,
        "operator"));
    cases.add(new Case("PATCH", strategies + "/" + strategy, "{\"func\":\"all(#0)\"}", 400, "func"));
    cases.add(new Case("PATCH", strategies + "/" + strategy, "{\"metric\":\"cpu busy\"}", 400, "metric"));

    String expressions = "/api/v1/expressions";
    cases.add(new Case("POST", expressions, "{" + goodX + ",\"actionId\":424242}", 400, "actionId"));
    cases.add(new Case("POST", expressions, "{" + goodX + ",\"pause\":\"yes\"}", 400, "pause"));
    cases.add(new Case("PUT", expressions + "/" + expression, "{\"operator\":\">\"}", 400, "expression"));
    cases.add(new Case("PATCH", expressions + "/" + expression, "{\"expression\":\"each(service=api)\"}", 400,
        "expression"));

    String actions = "/api/v1/actions";
    cases.add(new Case("POST", actions, "{\"callback\":\"yes\"}", 400, "callback"));
    cases.add(new Case("POST", actions, "{\"callback\":2}", 400, "callback"));
    cases.add(new Case("PUT", actions + "/" + action, "{\"uic\":\"" + "x".repeat(256) + "\"}", 400, "uic"));
    cases.add(new Case("PATCH", actions + "/" + action, "{\"callback\":true,\"url\":\"ftp://x\"}", 400, "url"));

    String teams = "/api/v1/teams";
    cases.add(new Case("POST", teams, "{\"name\":\"a,b\"}", 400, "name"));
    cases.add(new Case("POST", teams, "{\"name\":\"t\",\"users\":[{\"name\":\"x\",\"email\":5}]}", 400,
        "users[0].email"));
    cases.add(new Case("POST", teams, "{\"name\":\"t\",\"users\":[null]}", 400, "users[0]"));
    cases.add(new Case("PUT", teams + "/" + team, "{\"resume\":\"r\"}", 400, "name"));
    cases.add(new Case("PATCH", teams + "/" + team, "{\"users\":[{\"cnname\":\"x\"}]}", 400, "users[0].name"));
    cases.add(new Case("POST", teams + "/" + team + "/users", "{}", 400, "users"));

    String users = "/api/v1/users";
    cases.add(new Case("POST", users, "{\"name\":\"\"}", 400, "name"));
    cases.add(new Case("POST", users, "{\"name\":\"u\",\"phone\":\"" + "1".repeat(33) + "\"}", 400, "phone"));
    cases.add(new Case("PUT", users + "/" + user, "{\"email\":\"e\"}", 400, "name"));
    cases.add(new Case("PATCH", users + "/" + user, "{\"im\":{}}", 400, "im"));

    String nodatas = "/api/v1/nodata";
    cases.add(new Case("POST", nodatas, "{" + goodN.replace("host", "vm") + "}", 400, "objType"));
    cases.add(new Case("POST", nodatas, "{" + goodN.replace("-1", "\"x\"") + "}", 400, "mock"));
    cases.add(new Case("PUT", nodatas + "/" + nodata, "{\"name\":\"n\"}", 400, "obj"));
    cases.add(new Case("PATCH", nodatas + "/" + nodata, "{\"step\":0}", 400, "step"));
    cases.add(new Case("PATCH", nodatas + "/" + nodata, "{\"dstype\":\"gauge\"}", 400, "dstype"));

    // not JSON, not an object, trailing garbage; unknown paths, ids and methods; bad query parameters
    cases.add(new Case("POST", groups, "{not json", 400, null));
    cases.add(new Case("POST", groups, "[1]", 400, null));
    cases.add(new Case("POST", groups, "{\"name\":\"x\"} {}", 400, null));
    cases.add(new Case("POST", groups, "", 400, null));
    cases.add(new Case("GET", "/api/v1/nope", null, 404, null));
    cases.add(new Case("GET", hosts + "/abc", null, 404, null));
    cases.add(new Case("GET", hosts + "/0", null, 404, null));
    cases.add(new Case("PUT", hosts + "/424242", "{\"hostname\":\"x\"}", 404, null));
    cases.add(new Case("DELETE", groups, null, 405, null));
    cases.add(new Case("POST", hosts + "/" + host, "{}", 405, null));
    cases.add(new Case("GET", hosts + "?limit=0", null, 400, "limit"));
    cases.add(new Case("GET", hosts + "?limit=abc", null, 400, "limit"));
    cases.add(new Case("GET", hosts + "?limit=10001", null, 400, "limit"));
    cases.add(new Case("GET", hosts + "?offset=-1", null, 400, "offset"));
    cases.add(new Case("GET", hosts + "?sort=ip", null, 400, "sort"));
    cases.add(new Case("GET", hosts + "?after=bm9wZQ", null, 400, "after"));
    cases.add(new Case("GET", hosts + "?after='%20OR%20'1'='1", null, 400, "after"));
    cases.add(new Case("GET", hosts + "?after=WyJhIiwxXQ&offset=5", null, 400, "after"));
    cases.add(new Case("GET", hosts + "?sort=-updateAt&after=WyJhIiwxXQ", null, 400, "after"));
    cases.add(new Case("GET", hosts + "?after=" + "A".repeat(1_401), null, 400, "after"));
    cases.add(new Case("GET", hosts + "?hostname=x", null, 400, "hostname"));
    cases.add(new Case("GET", hosts + "?groupId=x", null, 400, "groupId"));
    cases.add(new Case("GET", strategies + "?templateId=abc", null, 400, "templateId"));

    for (Case c : cases) {
      HbsHarness.Response r = hbs.request(c.method(), c.path(), c.body(), c.body() == null ? null
          : "application/json");
      String what = c.method() + " " + c.path() + " " + c.body() + " -> " + r.json();
      assertThat(r.status()).as(what).isEqualTo(c.status());
      assertThat(r.json().get("error").asText()).as(what).isNotBlank();
      if (c.field() != null) {
        assertThat(r.json().get("field").asText()).as(what).isEqualTo(c.field());
        assertThat(r.json().get("error").asText()).as(what).contains(c.field());
      }
    }

    // every bad field at once, each named
    JsonNode all = hbs.post(strategies, "{}").json();
    assertThat(all.get("errors")).extracting(e -> e.get("field").asText())
        .containsExactly("templateId", "metric", "operator", "rightValue", "priority");

    // every write route refuses a body over 1 MiB (413) and one that is not JSON (415)
    String big = "{\"name\":\"" + "x".repeat(1 << 20) + "\"}";
    for (String[] route : new String[][] {{"POST", hosts}, {"PUT", hosts + "/" + host},
        {"PATCH", hosts + "/" + host}, {"PUT", hosts + "/" + host + "/maintenance"}, {"POST", groups},
        {"PUT", groups + "/" + group}, {"PATCH", groups + "/" + group}, {"POST", groups + "/" + group + "/hosts"},
        {"POST", groups + "/" + group + "/templates"}, {"POST", groups + "/" + group + "/plugins"},
        {"PUT", "/api/v1/plugins/" + plugin}, {"PATCH", "/api/v1/plugins/" + plugin}, {"POST", templates},
        {"PUT", templates + "/" + tpl}, {"PATCH", templates + "/" + tpl}, {"POST", strategies},
        {"PUT", strategies + "/" + strategy}, {"PATCH", strategies + "/" + strategy}, {"POST", expressions},
        {"PUT", expressions + "/" + expression}, {"PATCH", expressions + "/" + expression}, {"POST", actions},
        {"PUT", actions + "/" + action}, {"PATCH", actions + "/" + action}, {"POST", teams},
        {"PUT", teams + "/" + team}, {"PATCH", teams + "/" + team}, {"POST", teams + "/" + team + "/users"},
        {"POST", users}, {"PUT", users + "/" + user}, {"PATCH", users + "/" + user}, {"POST", nodatas},
        {"PUT", nodatas + "/" + nodata}, {"PATCH", nodatas + "/" + nodata}}) {
      assertThat(hbs.request(route[0], route[1], big, "application/json").status()).as("%s %s big", route[0],
          route[1]).isEqualTo(413);
      assertThat(hbs.request(route[0], route[1], "<x/>", "application/xml").status()).as("%s %s xml", route[0],
          route[1]).isEqualTo(415);
    }
    // curl's default type for -d is taken, so that `curl -d '{...}'` keeps working
    assertThat(hbs.request("POST", groups, "{\"name\":\"curl\"}", "application/x-www-form-urlencoded").status())
        .isEqualTo(201);

    // SQL metacharacters are data: stored and found as written, and nothing else happens
    String evil = "x'; DROP TABLE grp; --";
    long evilGroup = hbs.create(groups, "{\"name\":\"" + evil + "\"}");
    assertThat(hbs.get(groups + "/" + evilGroup).json().get("name").asText()).isEqualTo(evil);
    hbs.ok(groups + "/" + evilGroup + "/hosts", "{\"hostnames\":[\"h' OR '1'='1\",\"h\\\" --\"]}");
    String q = java.net.URLEncoder.encode("x' OR '1'='1", java.nio.charset.StandardCharsets.UTF_8);
    assertThat(hbs.get(groups + "?namePrefix=" + q).json()).isEmpty();
    assertThat(hbs.get(groups + "?namePrefix=" + java.net.URLEncoder.encode("x';",
        java.nio.charset.StandardCharsets.UTF_8)).json()).hasSize(1);
    assertThat(hbs.get(hosts + "?hostnamePrefix=h'").json()).extracting(h -> h.get("hostname").asText())
        .containsExactly("h' OR '1'='1");
    assertThat(hbs.get(groups).json()).hasSize(3);
    assertThat(hbs.get(strategies).json()).hasSize(1);
  }
}
