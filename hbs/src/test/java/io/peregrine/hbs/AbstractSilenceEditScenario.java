package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code PUT /api/v1/silences/{id}} on one database: an edit in place under the rules of a new silence, the author
 * kept and the editor recorded, audited, and what senders then get from {@code GetSilences}.
 */
abstract class AbstractSilenceEditScenario extends ClockedHbsScenario {
  private static String body(String matchers, Long startsAt, long endsAt, String comment) {
    return "{\"matchers\":" + matchers + (startsAt == null ? "" : ",\"startsAt\":" + startsAt) + ",\"endsAt\":"
        + endsAt + ",\"comment\":\"" + comment + "\"}";
  }

  private static final String WEB = "[{\"name\":\"endpoint\",\"value\":\"web-.*\",\"regex\":true}]";
  private static final String DB = "[{\"name\":\"endpoint\",\"value\":\"db-01\"}]";

  @Test
  void anEditorChangesEndCommentAndMatchersAndTheAuthorStays() throws Exception {
    String editor = user("eddie", "editor");
    String viewer = user("vera", "viewer");
    long id = hbs.create("/api/v1/silences", body(WEB, now, now + 3600, "deploy"));
    clock.advance(Duration.ofMinutes(10));

    assertThat(hbs.as(viewer, "PUT", "/api/v1/silences/" + id, body(DB, null, now + 7200, "x")).status())
        .isEqualTo(403);
    HbsHarness.Response edited = hbs.as(editor, "PUT", "/api/v1/silences/" + id,
        body(DB, null, now + 7200, "deploy runs long"));
    assertThat(edited.status()).as("%s", edited.json()).isEqualTo(200);
    JsonNode s = edited.json();
    assertThat(s.get("author").asText()).isEqualTo("admin");
    assertThat(s.get("updatedBy").asText()).isEqualTo("eddie");
    assertThat(s.get("updatedAt").asLong()).isEqualTo(now + 600);
    assertThat(s.get("startsAt").asLong()).isEqualTo(now);
    assertThat(s.get("endsAt").asLong()).isEqualTo(now + 7200);
    assertThat(s.get("comment").asText()).isEqualTo("deploy runs long");
    assertThat(s.at("/matchers/0/value").asText()).isEqualTo("db-01");
    assertThat(s.get("state").asText()).isEqualTo("active");

    var pulled = hbs.hbs.getSilences(io.peregrine.proto.v1.SilencesRequest.getDefaultInstance()).getSilencesList();
    assertThat(pulled).hasSize(1);
    assertThat(pulled.get(0).getEndsAt()).isEqualTo(now + 7200);
    assertThat(pulled.get(0).getMatchers(0).getValue()).isEqualTo("db-01");
    assertThat(hbs.get("/api/v1/audit?entity=silences").json())
        .extracting(n -> n.get("method").asText() + " " + n.get("actor").asText())
        .containsExactlyInAnyOrder("POST admin", "PUT eddie");
  }

  @Test
  void anEditIsHeldToTheRulesOfANewSilence() throws Exception {
    long id = hbs.create("/api/v1/silences", body(WEB, now, now + 3600, "deploy"));

    HbsHarness.Response badRegex = hbs.put("/api/v1/silences/" + id, body(
        "[{\"name\":\"endpoint\",\"value\":\"web-(\",\"regex\":true}]", null, now + 3600, ""));
    assertThat(badRegex.status()).isEqualTo(400);
    assertThat(badRegex.json().get("field").asText()).isEqualTo("matchers[0].value");
    HbsHarness.Response everything = hbs.put("/api/v1/silences/" + id, body(
        "[{\"name\":\"metric\",\"value\":\".*\",\"regex\":true}]", null, now + 3600, ""));
    assertThat(everything.json().get("error").asText()).contains("every matcher matches the empty text");
    HbsHarness.Response before = hbs.put("/api/v1/silences/" + id, body(WEB, null, now - 1, ""));
    assertThat(before.json().get("field").asText()).isEqualTo("endsAt");
    HbsHarness.Response tooLong = hbs.put("/api/v1/silences/" + id, body(WEB, null, now + 367L * 86400, ""));
    assertThat(tooLong.json().get("error").asText()).contains("a year");
    HbsHarness.Response moved = hbs.put("/api/v1/silences/" + id, body(WEB, now + 60, now + 3600, ""));
    assertThat(moved.status()).isEqualTo(400);
    assertThat(moved.json().get("error").asText()).contains("cannot change once the silence is active");
    assertThat(hbs.put("/api/v1/silences/999999", body(WEB, null, now + 3600, "")).status()).isEqualTo(404);
    assertThat(hbs.get("/api/v1/silences/" + id).json().get("updatedBy").asText()).isEmpty();
  }

  @Test
  void aPendingSilenceMayMoveItsStartAnExpiredOneIsNotEdited() throws Exception {
    long pending = hbs.create("/api/v1/silences", body(WEB, now + 3600, now + 7200, "tonight"));
    HbsHarness.Response moved = hbs.put("/api/v1/silences/" + pending, body(WEB, now + 1800, now + 7200,
        "earlier"));
    assertThat(moved.status()).as("%s", moved.json()).isEqualTo(200);
    assertThat(moved.json().get("startsAt").asLong()).isEqualTo(now + 1800);
    assertThat(moved.json().get("state").asText()).isEqualTo("pending");

    long ended = hbs.create("/api/v1/silences", body(WEB, now, now + 60, "short"));
    clock.advance(Duration.ofMinutes(2));
    HbsHarness.Response refused = hbs.put("/api/v1/silences/" + ended, body(WEB, null, now + 3600, "again"));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("error").asText()).contains("has expired").contains("create a new one");
  }
}
