package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peregrine.proto.v1.Silences;
import io.peregrine.proto.v1.SilencesRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Silences through the real HTTP and gRPC ports on one database: who may write them, the audit trail, every
 * matcher rule with its error, states on a manual clock, expiry, and what senders get from {@code GetSilences}.
 */
abstract class AbstractSilencesScenario extends ClockedHbsScenario {
  private String silence(String matchers, long startsAt, long endsAt) {
    return "{\"matchers\":" + matchers + ",\"startsAt\":" + startsAt + ",\"endsAt\":" + endsAt
        + ",\"comment\":\"deploy\"}";
  }

  @Test
  void editorsWriteViewersReadAndEveryWriteIsAudited() throws Exception {
    String viewer = user("vera", "viewer");
    String editor = user("eddie", "editor");
    String body = silence("[{\"name\":\"endpoint\",\"value\":\"web-.*\",\"regex\":true}]", now, now + 3600);
    HbsHarness.Response refused = hbs.as(viewer, "POST", "/api/v1/silences", body);
    assertThat(refused.status()).isEqualTo(403);
    HbsHarness.Response made = hbs.as(editor, "POST", "/api/v1/silences", body);
    assertThat(made.status()).as("%s", made.json()).isEqualTo(201);
    assertThat(made.json().get("author").asText()).isEqualTo("eddie");
    assertThat(made.json().get("state").asText()).isEqualTo("active");
    HbsHarness.Response read = hbs.as(viewer, "GET", "/api/v1/silences/" + made.id(), null);
    assertThat(read.json().get("comment").asText()).isEqualTo("deploy");
    assertThat(hbs.as(viewer, "DELETE", "/api/v1/silences/" + made.id(), null).status()).isEqualTo(403);
    assertThat(hbs.as(editor, "DELETE", "/api/v1/silences/" + made.id(), null).json().get("state").asText())
        .isEqualTo("expired");
    JsonNode audit = hbs.get("/api/v1/audit?entity=silences").json();
    assertThat(audit).extracting(n -> n.get("method").asText() + " " + n.get("actor").asText())
        .containsExactlyInAnyOrder("POST eddie", "DELETE eddie");
  }

  @Test
  void badMatchersAreRefusedNamingTheField() throws Exception {
    assertBad("[]", "matchers", "at least one matcher");
    assertBad("[{\"name\":\"endpoint\",\"value\":\"web-(\",\"regex\":true}]", "matchers[0].value",
        "is not a valid regular expression: Unclosed group near index 5 in 'web-('");
    assertBad("[{\"name\":\"metric\",\"value\":\"cpu\"},{\"name\":\"tags.mount\",\"value\":\"[z-a]\",\"regex\":true}]",
        "matchers[1].value", "Illegal character range");
    assertBad("[{\"name\":\"host\",\"value\":\"a\"}]", "matchers[0].name", "'host' is not a matcher name");
    assertBad("[{\"name\":\"tags.\",\"value\":\"a\"}]", "matchers[0].name", "the tag key must be");
    assertBad("[{\"name\":\"tags.a b\",\"value\":\"a\"}]", "matchers[0].name", "without spaces");
    assertBad("[{\"name\":\"metric\"}]", "matchers[0].value", "is required");
    assertBad("[{\"name\":\"metric\",\"value\":\"" + "x".repeat(256) + "\"}]", "matchers[0].value",
        "256 characters long; at most 255");
    assertBad("[" + "{\"name\":\"metric\",\"value\":\"a\"},".repeat(16) + "{\"name\":\"metric\",\"value\":\"a\"}]",
        "matchers", "has 17 matchers; at most 16");
    // matchers that all match the empty text would silence nearly every event
    assertBad("[{\"name\":\"endpoint\",\"value\":\".*\",\"regex\":true},{\"name\":\"tags.x\",\"value\":\"\"}]",
        "matchers", "every matcher matches the empty text");
    HbsHarness.Response window = hbs.post("/api/v1/silences",
        silence("[{\"name\":\"metric\",\"value\":\"cpu.idle\"}]", now, now));
    assertThat(window.json().get("field").asText()).isEqualTo("endsAt");
    HbsHarness.Response year = hbs.post("/api/v1/silences",
        silence("[{\"name\":\"metric\",\"value\":\"cpu.idle\"}]", now, now + 367L * 86400));
    assertThat(year.json().get("error").asText()).contains("a year");
    assertThat(hbs.post("/api/v1/silences", "{\"matchers\":[{\"name\":\"metric\",\"value\":\"a\"}]}").json()
        .get("field").asText()).isEqualTo("endsAt");
    assertThat(hbs.get("/api/v1/silences?state=gone").json().get("field").asText()).isEqualTo("state");
    assertThat(hbs.get("/api/v1/silences").json()).isEmpty();
  }

  private void assertBad(String matchers, String field, String message) throws Exception {
    HbsHarness.Response r = hbs.post("/api/v1/silences", silence(matchers, now, now + 60));
    assertThat(r.status()).as("%s", r.json()).isEqualTo(400);
    assertThat(r.json().get("field").asText()).isEqualTo(field);
    assertThat(r.json().get("error").asText()).contains(message);
  }

  @Test
  void statesFollowTheClockAndSendersGetWhatHasNotEnded() throws Exception {
    long active = hbs.create("/api/v1/silences", silence("[{\"name\":\"endpoint\",\"value\":\"db-1\"}]", now - 60,
        now + 600));
    long pending = hbs.create("/api/v1/silences", silence("[{\"name\":\"priority\",\"value\":\"[3-6]\","
        + "\"regex\":true},{\"name\":\"tags.service\",\"value\":\"api\"}]", now + 300, now + 900));
    long ended = hbs.create("/api/v1/silences", silence("[{\"name\":\"strategyId\",\"value\":\"17\"}]", now - 600,
        now - 1));
    assertThat(hbs.get("/api/v1/silences?state=active").json()).extracting(n -> n.get("id").asLong())
        .containsExactly(active);
    assertThat(hbs.get("/api/v1/silences?state=pending").json()).extracting(n -> n.get("id").asLong())
        .containsExactly(pending);
    assertThat(hbs.get("/api/v1/silences?state=expired").json()).extracting(n -> n.get("id").asLong())
        .containsExactly(ended);
    HbsHarness.Response page = hbs.get("/api/v1/silences?sort=-id&limit=2");
    assertThat(page.header("X-Total-Count")).isEqualTo("3");
    assertThat(page.json()).extracting(n -> n.get("id").asLong()).containsExactly(ended, pending);

    Silences live = hbs.hbs.getSilences(SilencesRequest.getDefaultInstance());
    assertThat(live.getNow()).isEqualTo(now);
    assertThat(live.getSilencesList()).extracting(s -> s.getId()).containsExactly(active, pending);
    var second = live.getSilences(1);
    assertThat(second.getMatchers(0).getName()).isEqualTo("priority");
    assertThat(second.getMatchers(0).getRegex()).isTrue();
    assertThat(second.getMatchers(1).getValue()).isEqualTo("api");

    clock.advance(Duration.ofSeconds(400)); // the pending one starts, the active one is still on
    assertThat(hbs.get("/api/v1/silences/" + pending).json().get("state").asText()).isEqualTo("active");
    hbs.delete("/api/v1/silences/" + active);
    assertThat(hbs.hbs.getSilences(SilencesRequest.getDefaultInstance()).getSilencesList())
        .extracting(s -> s.getId()).containsExactly(pending);
    // expiring twice keeps the first end
    long end = hbs.get("/api/v1/silences/" + active).json().get("endsAt").asLong();
    clock.advance(Duration.ofSeconds(10));
    assertThat(hbs.delete("/api/v1/silences/" + active).json().get("endsAt").asLong()).isEqualTo(end);
    assertThat(hbs.delete("/api/v1/silences/424242").status()).isEqualTo(404);
  }
}
