package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.peregrine.hbs.admin.ConfigYaml;
import io.peregrine.proto.v1.EscalationStep;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.proto.v1.Receivers;
import io.peregrine.proto.v1.ReceiversRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An action's escalation steps through the real HTTP and gRPC ports on one database: stored and read back, every
 * rule refused with its field, handed to senders in {@code GetReceivers} with each step's team resolved, removed
 * with its action, and carried by config export and import.
 */
abstract class AbstractEscalationScenario {
  private static final String STEPS = "{\"steps\":[{\"afterMinutes\":5,\"team\":\"ops\",\"channel\":\"sms\"},"
      + "{\"afterMinutes\":15,\"team\":\"leads\",\"channel\":\"mail\"}],\"repeatMinutes\":30}";
  private TestDatabase db;
  private HbsHarness hbs;
  private long action;

  abstract TestDatabase openDatabase() throws Exception;

  @BeforeEach
  void open() throws Exception {
    db = openDatabase();
    hbs = new HbsHarness(HbsHarness.config(db));
    hbs.create("/api/v1/teams", "{\"name\":\"ops\",\"users\":[{\"name\":\"alice\",\"phone\":\"+100\"}]}");
    hbs.create("/api/v1/teams", "{\"name\":\"leads\",\"users\":[{\"name\":\"lena\",\"email\":\"lena@example.com\"},"
        + "{\"name\":\"liam\",\"email\":\"liam@example.com\"}]}");
    action = hbs.create("/api/v1/actions", "{\"uic\":\"ops\"}");
  }

  @AfterEach
  void close() throws Exception {
    hbs.close();
    db.close();
  }

  private String path() {
    return "/api/v1/actions/" + action + "/escalation";
  }

  @Test
  void storedReadBackAndHandedToSendersWithEachTeamResolved() throws Exception {
    assertThat(hbs.get(path()).json().get("steps")).isEmpty();
    assertThat(hbs.hbs.getReceivers(ReceiversRequest.newBuilder().setActionId(action).build())
        .getEscalationStepsList()).isEmpty();

    JsonNode put = hbs.put(path(), STEPS).json();
    assertThat(put.get("repeatMinutes").asInt()).isEqualTo(30);
    JsonNode got = hbs.get(path()).json();
    assertThat(got.get("steps")).extracting(s -> s.get("afterMinutes").asInt() + " " + s.get("team").asText() + " "
        + s.get("channel").asText()).containsExactly("5 ops sms", "15 leads mail");

    Receivers r = hbs.hbs.getReceivers(ReceiversRequest.newBuilder().setActionId(action).build());
    assertThat(r.getEscalationRepeatMinutes()).isEqualTo(30);
    assertThat(r.getEscalationStepsList()).extracting(EscalationStep::getAfterMinutes, EscalationStep::getTeam,
        EscalationStep::getChannel).containsExactly(tuple(5, "ops", "sms"), tuple(15, "leads", "mail"));
    assertThat(r.getEscalationSteps(1).getReceiversList()).extracting(Receiver::getName, Receiver::getEmail)
        .containsExactly(tuple("lena", "lena@example.com"), tuple("liam", "liam@example.com"));
    assertThat(r.getReceiversList()).extracting(Receiver::getName).containsExactly("alice");

    // a replacement replaces the whole list
    hbs.put(path(), "{\"steps\":[{\"afterMinutes\":10,\"team\":\"leads\",\"channel\":\"im\"}]}");
    assertThat(hbs.get(path()).json().get("steps")).hasSize(1);
    assertThat(hbs.get(path()).json().get("repeatMinutes").asInt()).isZero();

    assertThat(hbs.delete(path()).status()).isEqualTo(200);
    assertThat(hbs.get(path()).json().get("steps")).isEmpty();
    assertThat(hbs.get("/api/v1/actions/987654/escalation").status()).isEqualTo(404);
    assertThat(hbs.put("/api/v1/actions/987654/escalation", STEPS).status()).isEqualTo(404);
  }

  @Test
  void deletingTheActionDeletesItsEscalation() throws Exception {
    hbs.put(path(), STEPS);
    assertThat(hbs.delete("/api/v1/actions/" + action).status()).isEqualTo(200);
    long again = hbs.create("/api/v1/actions", "{\"uic\":\"ops\"}");
    assertThat(hbs.get("/api/v1/actions/" + again + "/escalation").json().get("steps")).isEmpty();
  }

  @Test
  void badEscalationsAreRefusedNamingTheField() throws Exception {
    assertBad("{\"steps\":[{\"afterMinutes\":15,\"team\":\"ops\",\"channel\":\"sms\"},"
        + "{\"afterMinutes\":15,\"team\":\"leads\",\"channel\":\"sms\"}]}", "steps[1].afterMinutes",
        "steps are ordered, so it must be more than the step before's 15");
    assertBad("{\"steps\":[{\"afterMinutes\":0,\"team\":\"ops\",\"channel\":\"sms\"}]}", "steps[0].afterMinutes",
        "is 0; 1..10080");
    assertBad("{\"steps\":[{\"afterMinutes\":10081,\"team\":\"ops\",\"channel\":\"sms\"}]}",
        "steps[0].afterMinutes", "is 10081; 1..10080");
    assertBad("{\"steps\":[{\"team\":\"ops\",\"channel\":\"sms\"}]}", "steps[0].afterMinutes", "is required");
    assertBad("{\"steps\":[{\"afterMinutes\":5,\"team\":\"ops,leads\",\"channel\":\"sms\"}]}", "steps[0].team",
        "names one team");
    assertBad("{\"steps\":[{\"afterMinutes\":5,\"channel\":\"sms\"}]}", "steps[0].team", "is required");
    assertBad("{\"steps\":[{\"afterMinutes\":5,\"team\":\"ops\",\"channel\":\"slack\"}]}", "steps[0].channel",
        "is 'slack'; one of [im, mail, sms]");
    assertBad("{\"steps\":[{\"afterMinutes\":5,\"team\":\"ops\",\"channel\":\"sms\"}],\"repeatMinutes\":4}",
        "repeatMinutes", "is 4; 0 (never) or 5..1440");
    assertBad("{\"steps\":[{\"afterMinutes\":5,\"team\":\"ops\",\"channel\":\"sms\"}],\"repeatMinutes\":1441}",
        "repeatMinutes", "is 1441");
    assertBad("{\"steps\":[],\"repeatMinutes\":30}", "repeatMinutes", "needs at least one step");
    StringBuilder many = new StringBuilder("{\"steps\":[");
    for (int i = 1; i <= 11; i++) {
      many.append(i > 1 ? "," : "").append("{\"afterMinutes\":").append(i).append(",\"team\":\"ops\",\"channel\":")
          .append("\"sms\"}");
    }
    assertBad(many + "]}", "steps", "has 11 steps; at most 10");
    assertBad("{\"steps\":[{\"afterMinutes\":\"soon\",\"team\":\"ops\",\"channel\":\"sms\"}]}", null, "");
    assertThat(hbs.get(path()).json().get("steps")).as("nothing was stored").isEmpty();
  }

  private void assertBad(String body, String field, String message) throws Exception {
    HbsHarness.Response r = hbs.put(path(), body);
    assertThat(r.status()).as("%s -> %s", body, r.json()).isEqualTo(400);
    if (field != null) {
      assertThat(r.json().get("field").asText()).as(body).isEqualTo(field);
      assertThat(r.json().get("error").asText()).as(body).contains(message);
    }
  }

  @Test
  void theHistoryTakesTheSendersEscalatedEntries() throws Exception {
    long at = HbsHarness.NOW.toEpochMilli();
    io.peregrine.proto.v1.RecordIncidentEventsResponse r = hbs.hbs.recordIncidentEvents(
        io.peregrine.proto.v1.IncidentEventBatch.newBuilder().addEvents(io.peregrine.proto.v1.IncidentEvent
            .newBuilder().setEventId("s_3_0123456789abcdef0123456789abcdef").setKind("escalated").setAt(at)
            .setEndpoint("host1").setMetric("cpu.idle").setPriority(1).setStep(1).setChannel("sms")
            .setReceiver("+100").setResult("ok").setDetail("escalation step 1 of 2: team ops").setSender("s-1"))
            .build());
    assertThat(r.getAccepted()).isEqualTo(1);
    JsonNode rows = hbs.get("/api/v1/incident-events?kind=escalated").json();
    assertThat(rows).extracting(e -> e.get("channel").asText() + " " + e.get("detail").asText())
        .containsExactly("sms escalation step 1 of 2: team ops");
  }

  @Test
  void exportAndImportCarryTheEscalation() throws Exception {
    long tpl = hbs.create("/api/v1/templates", "{\"name\":\"base\",\"actionId\":" + action + "}");
    assertThat(tpl).isPositive();
    hbs.put(path(), STEPS);
    ConfigYaml yaml = new ConfigYaml(hbs.server.database());
    String text = yaml.export();
    assertThat(text).contains("escalation:").contains("team: leads").contains("repeatMinutes: 30");
    assertThat(yaml.importYaml(text, false)).as("the same file changes nothing").isEmpty();

    // the file's escalation replaced: the template's action is a new one holding it
    String changed = text.replace("repeatMinutes: 30", "repeatMinutes: 60");
    assertThat(yaml.importYaml(changed, false)).isNotEmpty();
    long now = hbs.get("/api/v1/templates/" + tpl).json().get("actionId").asLong();
    assertThat(hbs.get("/api/v1/actions/" + now + "/escalation").json().get("repeatMinutes").asInt()).isEqualTo(60);
    assertThat(yaml.export()).isEqualTo(changed);

    String bad = text.replace("afterMinutes: 15", "afterMinutes: 2");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> yaml.importYaml(bad, true))
        .hasMessageContaining("steps[1].afterMinutes");
  }
}
