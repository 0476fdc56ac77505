package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.peregrine.hbs.admin.ConfigYaml;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.proto.v1.Receivers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On-call schedules through the real HTTP and gRPC ports on one database: the rules with their errors, who may
 * write, the audit trail, {@code /oncall} and overrides on a manual clock, actions naming a schedule in
 * {@code GetReceivers} (before and after a hand-over, with nobody on call), and export/import.
 */
abstract class AbstractSchedulesScenario extends ClockedHbsScenario {
  // HbsHarness.NOW is Sunday 2026-11-22 10:00 UTC; Berlin hand-overs on Mondays 09:00 CET = 08:00 UTC
  private static final long FIRST = Instant.parse("2026-11-16T08:00:00Z").getEpochSecond();
  private static final long SECOND = Instant.parse("2026-11-23T08:00:00Z").getEpochSecond();
  private static final long THIRD = Instant.parse("2026-11-30T08:00:00Z").getEpochSecond();
  /** Runs after the base class's {@code open}: JUnit runs a superclass's {@code @BeforeEach} first. */
  @BeforeEach
  void addUsers() throws Exception {
    for (String u : List.of("alice", "bob", "carol")) {
      hbs.create("/api/v1/users", "{\"name\":\"" + u + "\",\"email\":\"" + u + "@example.com\"}");
    }
  }

  private Receivers receivers(long action) {
    return hbs.hbs.getReceivers(io.peregrine.proto.v1.ReceiversRequest.newBuilder().setActionId(action).build());
  }

  private static String schedule(String name, String users) {
    return "{\"name\":\"" + name + "\",\"timeZone\":\"Europe/Berlin\",\"handoverDay\":\"monday\","
        + "\"handoverTime\":\"09:00\",\"startsOn\":\"2026-11-16\",\"users\":" + users + "}";
  }

  private String editor() throws Exception {
    long id = hbs.create("/api/v1/users", "{\"name\":\"eddie\",\"role\":\"editor\"}");
    hbs.put("/api/v1/users/" + id + "/password", "{\"password\":\"" + PASSWORD + "\"}");
    return hbs.as(null, "POST", "/api/v1/auth/login", "{\"name\":\"eddie\",\"password\":\"" + PASSWORD + "\"}")
        .json().get("token").asText();
  }

  @Test
  void schedulesAreCheckedWrittenByEditorsAndAudited() throws Exception {
    String editor = editor();
    HbsHarness.Response made = hbs.as(editor, "POST", "/api/v1/schedules", schedule("primary",
        "[\"alice\",\"bob\"]"));
    assertThat(made.status()).as("%s", made.json()).isEqualTo(201);
    assertThat(made.json().get("handoverDay").asText()).isEqualTo("monday");
    assertThat(made.json().get("users")).extracting(JsonNode::asText).containsExactly("alice", "bob");
    long id = made.id();
    HbsHarness.Response renamed = hbs.as(editor, "PUT", "/api/v1/schedules/" + id, schedule("first-line",
        "[\"bob\",\"alice\",\"carol\"]"));
    assertThat(renamed.status()).as("%s", renamed.json()).isEqualTo(200);
    assertThat(hbs.get("/api/v1/schedules?namePrefix=first").json()).extracting(n -> n.get("name").asText())
        .containsExactly("first-line");
    assertThat(hbs.as(editor, "DELETE", "/api/v1/schedules/" + id, null).status()).isEqualTo(200);
    assertThat(hbs.get("/api/v1/schedules/" + id).status()).isEqualTo(404);
    assertThat(hbs.get("/api/v1/audit?entity=schedules").json())
        .extracting(n -> n.get("method").asText() + " " + n.get("actor").asText())
        .containsExactlyInAnyOrder("POST eddie", "PUT eddie", "DELETE eddie");
  }

  @Test
  void badSchedulesAreRefusedNamingTheField() throws Exception {
    assertBad(schedule("a,b", "[]"), "name", "must not contain ','");
    assertBad(schedule("primary", "[\"alice\",\"nobody\"]"), "users[1]", "'nobody' is not a user");
    assertBad(schedule("primary", "[]").replace("Europe/Berlin", "Mars/Olympus"), "timeZone",
        "'Mars/Olympus' is not a time zone");
    assertBad(schedule("primary", "[]").replace("monday", "someday"), "handoverDay", "must be monday, tuesday");
    assertBad(schedule("primary", "[]").replace("09:00", "24:00"), "handoverTime", "within 00:00..23:59");
    assertBad(schedule("primary", "[]").replace("2026-11-16", "16.11.2026"), "startsOn", "yyyy-mm-dd");
    String many = "[" + "\"alice\",".repeat(100) + "\"bob\"]";
    assertBad(schedule("primary", many), "users", "has 101 users; at most 100");

    hbs.create("/api/v1/teams", "{\"name\":\"ops\"}");
    assertThat(hbs.post("/api/v1/schedules", schedule("ops", "[]")).status()).isEqualTo(409);
    long id = hbs.create("/api/v1/schedules", schedule("primary", "[\"alice\"]"));
    assertThat(hbs.post("/api/v1/schedules", schedule("primary", "[]")).status()).isEqualTo(409);
    assertThat(hbs.post("/api/v1/teams", "{\"name\":\"primary\"}").status()).as("a team of a schedule's name")
        .isEqualTo(409);
    hbs.create("/api/v1/actions", "{\"uic\":\"ops,primary\"}");
    HbsHarness.Response named = hbs.delete("/api/v1/schedules/" + id);
    assertThat(named.status()).isEqualTo(409);
    assertThat(named.json().get("error").asText()).contains("schedule 'primary' is named by action(s)");
    assertThat(hbs.put("/api/v1/schedules/" + id, schedule("renamed", "[]")).status()).isEqualTo(409);
    assertThat(hbs.put("/api/v1/schedules/" + id, schedule("primary", "[]")).status()).as("same name")
        .isEqualTo(200);
  }

  private void assertBad(String body, String field, String message) throws Exception {
    HbsHarness.Response r = hbs.post("/api/v1/schedules", body);
    assertThat(r.status()).as("%s", r.json()).isEqualTo(400);
    assertThat(r.json().get("field").asText()).isEqualTo(field);
    assertThat(r.json().get("error").asText()).contains(message);
  }

  @Test
  void onCallAnswersWhoAndTheNextHandOversWithOverridesOnTop() throws Exception {
    long id = hbs.create("/api/v1/schedules", schedule("primary", "[\"alice\",\"bob\"]"));

    JsonNode oc = hbs.get("/api/v1/schedules/" + id + "/oncall?next=2").json();
    assertThat(oc.at("/onCall/user").asText()).isEqualTo("alice");
    assertThat(oc.at("/onCall/from").asLong()).isEqualTo(FIRST);
    assertThat(oc.at("/onCall/until").asLong()).isEqualTo(SECOND);
    assertThat(oc.get("next")).extracting(n -> n.get("user").asText() + "@" + n.get("from").asLong())
        .containsExactly("bob@" + SECOND, "alice@" + THIRD);
    assertThat(hbs.get("/api/v1/schedules/" + id + "/oncall?at=" + SECOND).json().at("/onCall/user").asText())
        .isEqualTo("bob");
    assertThat(hbs.get("/api/v1/schedules/" + id + "/oncall?at=" + (SECOND - 1)).json().at("/onCall/user")
        .asText()).isEqualTo("alice");
    assertThat(hbs.get("/api/v1/schedules/" + id + "/oncall?next=51").status()).isEqualTo(400);
    assertThat(hbs.get("/api/v1/schedules/" + id + "/oncall?when=1").status()).isEqualTo(400);

    HbsHarness.Response o = hbs.post("/api/v1/schedules/" + id + "/overrides", "{\"user\":\"carol\",\"endsAt\":"
        + (now + 7200) + ",\"comment\":\"alice at the dentist\"}");
    assertThat(o.status()).as("%s", o.json()).isEqualTo(201);
    assertThat(o.json().get("author").asText()).isEqualTo("admin");
    JsonNode covered = hbs.get("/api/v1/schedules/" + id + "/oncall").json();
    assertThat(covered.at("/onCall/user").asText()).isEqualTo("carol");
    assertThat(covered.at("/onCall/source").asText()).isEqualTo("override");
    assertThat(covered.at("/onCall/until").asLong()).isEqualTo(now + 7200);
    assertThat(hbs.get("/api/v1/schedules/" + id).json().get("overrides")).hasSize(1);

    HbsHarness.Response bad = hbs.post("/api/v1/schedules/" + id + "/overrides", "{\"user\":\"zed\",\"startsAt\":"
        + (now - 7200) + ",\"endsAt\":" + (now - 3600) + "}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("errors")).extracting(n -> n.get("field").asText()).containsExactly("user", "endsAt");
    assertThat(hbs.delete("/api/v1/schedules/" + id + "/overrides/" + o.id()).status()).isEqualTo(200);
    assertThat(hbs.delete("/api/v1/schedules/" + id + "/overrides/" + o.id()).status()).isEqualTo(404);
    assertThat(hbs.get("/api/v1/schedules/" + id + "/oncall").json().at("/onCall/user").asText())
        .isEqualTo("alice");
  }

  @Test
  void anActionNamingAScheduleReachesWhoeverIsOnCallWhenHbsIsAsked() throws Exception {
    hbs.create("/api/v1/teams", "{\"name\":\"ops\",\"users\":[{\"name\":\"olga\",\"email\":\"olga@example.com\"}]}");
    hbs.create("/api/v1/schedules", schedule("primary", "[\"alice\",\"bob\"]"));
    long action = hbs.create("/api/v1/actions", "{\"uic\":\"ops,primary\"}");

    Receivers before = receivers(action);
    assertThat(before.getReceiversList()).extracting(Receiver::getName).containsExactly("alice", "olga");
    assertThat(before.getValidUntil()).isEqualTo(SECOND * 1000);
    assertThat(before.getProblemsList()).isEmpty();

    clock.setSeconds(SECOND); // the hand-over, to the second
    Receivers after = receivers(action);
    assertThat(after.getReceiversList()).extracting(Receiver::getName).containsExactly("bob", "olga");
    assertThat(after.getReceivers(0).getEmail()).isEqualTo("bob@example.com");
    assertThat(after.getValidUntil()).isEqualTo(THIRD * 1000);
  }

  @Test
  void aScheduleWithNobodyOnCallIsAProblemInTheAnswerNotASilentNothing() throws Exception {
    long empty = hbs.create("/api/v1/schedules", schedule("nights", "[]"));
    long action = hbs.create("/api/v1/actions", "{\"uic\":\"nights,ghost\"}");

    Receivers r = receivers(action);
    assertThat(r.getFound()).isTrue();
    assertThat(r.getReceiversList()).isEmpty();
    assertThat(r.getProblemsList()).containsExactly(
        "schedule 'nights' has nobody on call at 2026-11-22T10:00:00Z (no users and no override)",
        "'ghost' is neither a team nor a schedule");
    JsonNode oc = hbs.get("/api/v1/schedules/" + empty + "/oncall").json();
    assertThat(oc.get("onCall").get("user").isNull()).isTrue();
    assertThat(oc.get("problem").asText()).contains("nobody is on call: the schedule has no users");

    hbs.post("/api/v1/schedules/" + empty + "/overrides", "{\"user\":\"carol\",\"endsAt\":" + (now + 3600) + "}");
    Receivers covered = receivers(action);
    assertThat(covered.getReceiversList()).extracting(Receiver::getName).containsExactly("carol");
    assertThat(covered.getValidUntil()).isEqualTo((now + 3600) * 1000);
    clock.advance(Duration.ofHours(1));
    assertThat(receivers(action).getReceiversList()).isEmpty();
  }

  @Test
  void schedulesTravelInExportAndImport() throws Exception {
    hbs.create("/api/v1/schedules", schedule("primary", "[\"bob\",\"alice\"]"));
    ConfigYaml yaml = new ConfigYaml(hbs.server.database());
    String exported = yaml.export();
    assertThat(exported).contains("schedules:", "name: primary", "timeZone: Europe/Berlin", "handoverDay: monday",
        "handoverTime: 09:00", "startsOn: 2026-11-16");
    assertThat(exported.indexOf("- bob")).isLessThan(exported.indexOf("- alice")); // the rotation's order stays
    assertThat(yaml.importYaml(exported, false)).isEmpty();

    String changed = exported.replace("handoverDay: monday", "handoverDay: friday");
    assertThat(yaml.importYaml(changed, false)).containsExactly("~ schedule primary: handoverDay: \"monday\" -> "
        + "\"friday\"");
    assertThat(hbs.get("/api/v1/schedules").json().get(0).get("handoverDay").asText()).isEqualTo("friday");
    String withoutUser = changed.replaceFirst("(?s)- name: alice.*?(?=- name: bob)", "");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> yaml.importYaml(withoutUser, true))
        .hasMessageContaining("schedule 'primary' names user 'alice', who is not in users");
  }
}
