package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document the running server serves lists exactly the routes the server answers, and every documented
 * operation, probed on the server, is answered (no "no route" 404, no 405) with a status the document lists.
 */
class OpenApiDocumentTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "patch", "delete");

  @TempDir
  Path dir;

  @Test
  void documentAndServerAgreeOnEveryRoute() throws Exception {
    try (TestDatabase db = TestDatabase.h2(dir); HbsHarness hbs = new HbsHarness(HbsHarness.config(db))) {
      String yaml = hbs.text("/api/v1/openapi.yaml");
      JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(yaml);
      assertThat(doc.get("openapi").asText()).startsWith("3.");

      Set<String> documented = new TreeSet<>();
      List<String[]> operations = new ArrayList<>();
      doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
        if (METHODS.contains(op.getKey())) {
          documented.add(op.getKey().toUpperCase() + " " + path.getKey());
          operations.add(new String[] {op.getKey().toUpperCase(), path.getKey()});
        }
      }));
      assertThat(documented).containsExactlyInAnyOrderElementsOf(hbs.server.httpRoutes());

      for (String[] op : operations) {
        String path = op[1].replaceAll("\\{[^}]+}", "424242");
        String body = op[0].equals("GET") || op[0].equals("DELETE") ? null : "{}";
        // logout revokes the token it is sent with: it gets a token of its own, so the harness's stays valid
        String bearer = op[1].equals("/api/v1/auth/logout") ? hbs.post("/api/v1/tokens",
            "{\"name\":\"logout\",\"scopes\":[\"read\"]}").json().get("token").asText() : hbs.token;
        HbsHarness.Response r = op[1].equals("/metrics") || op[1].endsWith(".yaml")
            ? new HbsHarness.Response(200, null, null, "")
            : hbs.as(bearer, op[0], path, body);
        String what = op[0] + " " + path + " -> " + r.status() + " " + r.json();
        assertThat(r.status()).as(what).isNotEqualTo(405);
        if (r.status() == 404) {
          assertThat(r.json().get("error").asText()).as(what).doesNotStartWith("no route");
        }
        JsonNode responses = doc.get("paths").get(op[1]).get(op[0].toLowerCase()).get("responses");
        assertThat(responses.has(Integer.toString(r.status()))).as(what + " is documented").isTrue();

        // without a token: 401 exactly where the document asks for one
        JsonNode operation = doc.get("paths").get(op[1]).get(op[0].toLowerCase());
        boolean open = operation.has("security") && operation.get("security").isEmpty();
        if (!op[1].equals("/metrics") && !op[1].endsWith(".yaml")) {
          HbsHarness.Response anonymous = hbs.as(null, op[0], path, body);
          String anon = op[0] + " " + path + " without a token -> " + anonymous.status() + " " + anonymous.json();
          if (open) {
            assertThat(anonymous.status()).as(anon).isNotEqualTo(401);
          } else {
            assertThat(anonymous.status()).as(anon).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).as(anon).startsWith("Bearer");
            assertThat(responses.has("401")).as(anon + " is documented").isTrue();
          }
        }
      }
    }
  }
}
