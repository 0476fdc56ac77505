package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peregrine.hbs.admin.ConfigPieces;
import io.peregrine.hbs.admin.ConfigYaml;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Export and import of one template or one host group, through the admin API ({@code /api/v1/export},
 * {@code /api/v1/import}) and {@link ConfigPieces} (what {@code peregrine hbs export|import --template|--group}
 * runs): the piece alone, its references checked, a dry run, ids kept, nothing else touched. Subclasses pick the
 * database.
 */
abstract class AbstractConfigPiecesScenario {
  private TestDatabase db;
  private HbsHarness hbs;
  private long cpu;

  abstract TestDatabase openDatabase() throws Exception;

  @BeforeEach
  void open() throws Exception {
    db = openDatabase();
    hbs = new HbsHarness(HbsHarness.config(db));
    long action = hbs.create("/api/v1/actions", "{\"uic\":\"ops\",\"url\":\"http://hook\"}");
    long base = hbs.create("/api/v1/templates", "{\"name\":\"base\",\"actionId\":" + action + "}");
    long web = hbs.create("/api/v1/templates", "{\"name\":\"web\",\"parentId\":" + base + "}");
    hbs.create("/api/v1/templates", "{\"name\":\"other\"}");
    hbs.create("/api/v1/strategies", "{\"templateId\":" + base + ",\"metric\":\"mem.memused.percent\","
        + "\"operator\":\">\",\"rightValue\":90,\"priority\":2}");
    cpu = hbs.create("/api/v1/strategies", "{\"templateId\":" + web + ",\"metric\":\"cpu.busy\","
        + "\"operator\":\">\",\"rightValue\":90,\"priority\":2,\"func\":\"all(#3)\"}");
    long group = hbs.create("/api/v1/groups", "{\"name\":\"web\"}");
    hbs.ok("/api/v1/groups/" + group + "/hosts", "{\"hostnames\":[\"web-02\",\"web-01\"]}");
    hbs.ok("/api/v1/groups/" + group + "/templates", "{\"templateId\":" + web + "}");
    hbs.create("/api/v1/groups/" + group + "/plugins", "{\"dir\":\"sys/ntp\"}");
    hbs.create("/api/v1/groups", "{\"name\":\"db\"}");
  }

  @AfterEach
  void close() throws Exception {
    hbs.close();
    db.close();
  }

  private String export(HbsHarness on, String query) throws Exception {
    HbsHarness.Response r = on.get("/api/v1/export?" + query);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/yaml");
    return r.body();
  }

  private HbsHarness.Response importing(HbsHarness on, String query, String yaml) throws Exception {
    return on.request("POST", "/api/v1/import?" + query, yaml, "application/yaml");
  }

  @Test
  void aPieceExportsAloneAndTheCliAndTheApiWriteTheSameText() throws Exception {
    String web = export(hbs, "template=web");
    assertThat(web).contains("name: web", "parent: base", "metric: cpu.busy")
        .doesNotContain("name: other", "name: base\n", "groups:", "users:", "mem.memused.percent");
    assertThat(new ConfigPieces(hbs.server.database()).export(ConfigPieces.Kind.TEMPLATE, "web")).isEqualTo(web);
    String group = export(hbs, "group=web");
    assertThat(group).contains("- web-01", "- web-02", "- sys/ntp", "templates:\n  - web")
        .doesNotContain("name: db", "strategies");

    assertThat(hbs.get("/api/v1/export?template=nope").status()).isEqualTo(404);
    assertThat(hbs.get("/api/v1/export").status()).isEqualTo(400);
    assertThat(hbs.get("/api/v1/export?template=web&group=web").status()).isEqualTo(400);
    assertThat(hbs.get("/api/v1/export?host=web").json().get("field").asText()).isEqualTo("host");
  }

  @Test
  void aPieceImportsIntoAnotherStoreOnceWhatItNamesIsThere() throws Exception {
    String whole = new ConfigYaml(hbs.server.database()).export();
    String web = export(hbs, "template=web");
    String group = export(hbs, "group=web");
    try (TestDatabase otherDb = openDatabase(); HbsHarness other = new HbsHarness(HbsHarness.config(otherDb))) {
      HbsHarness.Response noTemplate = importing(other, "group=web", group);
      assertThat(noTemplate.status()).isEqualTo(400);
      assertThat(noTemplate.json().get("error").asText()).contains("template 'web'", "hbs does not have");
      assertThat(importing(other, "template=web", web).json().get("error").asText()).contains("parent 'base'");
      assertThat(importing(other, "template=base", web).json().get("error").asText())
          .contains("the file has no template named 'base'");

      // a whole export is a file of pieces too: only the named one is read from it
      JsonNode base = importing(other, "template=base", whole).json();
      assertThat(base.get("changes")).extracting(JsonNode::asText).containsExactly("+ template base");
      assertThat(base.get("applied").asBoolean()).isTrue();
      assertThat(importing(other, "template=web", web).status()).isEqualTo(200);
      assertThat(importing(other, "group=web", group).status()).isEqualTo(200);
      assertThat(export(other, "template=web")).isEqualTo(web);
      assertThat(export(other, "template=base")).isEqualTo(export(hbs, "template=base"));
      assertThat(export(other, "group=web")).isEqualTo(group);
      assertThat(other.get("/api/v1/templates?namePrefix=other").json()).isEmpty();
      assertThat(other.get("/api/v1/hosts").json()).extracting(h -> h.get("hostname").asText())
          .containsExactly("web-01", "web-02");
      assertThat(importing(other, "template=web", web).json().get("changes")).isEmpty();
      assertThat(other.get("/api/v1/audit?entity=import").json()).hasSize(4); // the refused ones are not writes
    }
  }

  @Test
  void aDryRunOnlyPrintsAndARealImportTouchesThePieceAloneKeepingIds() throws Exception {
    String web = export(hbs, "template=web");
    String changed = web.replace("rightValue: \"90\"", "rightValue: \"95\"");
    assertThat(changed).isNotEqualTo(web);
    JsonNode dry = importing(hbs, "template=web&dryRun=true", changed).json();
    assertThat(dry.get("changes")).extracting(JsonNode::asText)
        .containsExactly("~ template web strategy cpu.busy{}: rightValue: \"90\" -> \"95\"");
    assertThat(dry.get("applied").asBoolean()).isFalse();
    assertThat(export(hbs, "template=web")).isEqualTo(web);

    List<String> applied = new ConfigPieces(hbs.server.database()).importPiece(changed, ConfigPieces.Kind.TEMPLATE,
        "web", false);
    assertThat(applied).containsExactly(dry.get("changes").get(0).asText());
    assertThat(hbs.get("/api/v1/strategies/" + cpu).json().get("rightValue").asText()).isEqualTo("95");
    assertThat(hbs.get("/api/v1/templates?namePrefix=other").json()).hasSize(1);
    assertThat(hbs.get("/api/v1/groups?namePrefix=db").json()).hasSize(1);

    // the group's piece: another host, one plugin fewer
    String group = export(hbs, "group=web").replace("- web-02", "- web-02\n  - web-03").replace("  - sys/ntp\n",
        "");
    JsonNode g = importing(hbs, "group=web", group).json();
    assertThat(g.get("applied").asBoolean()).as("%s", g).isTrue();
    assertThat(hbs.get("/api/v1/groups/" + hbs.get("/api/v1/groups?namePrefix=web").json().get(0).get("id")
        .asLong()).json().get("hosts")).extracting(JsonNode::asText).containsExactly("web-01", "web-02", "web-03");
    assertThat(hbs.server.refreshNow().set().getHostsList()).hasSize(3);
  }

  @Test
  void badPiecesAreRefusedAndNothingIsWritten() throws Exception {
    String base = export(hbs, "template=base");
    String loop = base.replace("name: base", "name: base\n  parent: web");
    assertThat(importing(hbs, "template=base", loop).json().get("error").asText()).contains("inherit from itself");
    assertThat(importing(hbs, "template=web", "templates: [{name: web, strategies: [{metric: 'a b'}]}]").status())
        .isEqualTo(400);
    assertThat(importing(hbs, "template=web", "not: [a, config").status()).isEqualTo(400);
    assertThat(importing(hbs, "template=web", "").status()).isEqualTo(400);
    assertThat(importing(hbs, "template=web&dryRun=maybe", base).json().get("field").asText()).isEqualTo("dryRun");
    assertThat(hbs.request("POST", "/api/v1/import?template=base", base, "text/plain").status()).isEqualTo(415);
    assertThat(hbs.request("POST", "/api/v1/import?template=base", "x".repeat((1 << 20) + 1), "application/yaml")
        .status()).isEqualTo(413);
    assertThat(export(hbs, "template=base")).isEqualTo(base);
    assertThat(hbs.get("/api/v1/audit?entity=import").json()).isEmpty();
  }
}
