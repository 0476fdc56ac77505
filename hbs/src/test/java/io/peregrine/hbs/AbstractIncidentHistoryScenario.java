package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.common.time.ManualClock;
import io.peregrine.proto.v1.IncidentEvent;
import io.peregrine.proto.v1.IncidentEventBatch;
import io.peregrine.proto.v1.RecordIncidentEventsResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Incident history on one database: written over gRPC (bad entries refused alone), read over HTTP with filters and
 * paging, still there after a restart, and deleted past the retention on a manual clock.
 */
abstract class AbstractIncidentHistoryScenario {
  private final ManualClock clock = new ManualClock(HbsHarness.NOW);
  private final long t = HbsHarness.NOW.toEpochMilli();
  private TestDatabase db;
  private HbsHarness hbs;

  abstract TestDatabase openDatabase() throws Exception;

  private HbsConfig config() {
    return HbsHarness.config(db).withIncidentRetention(Duration.ofDays(1));
  }

  @BeforeEach
  void open() throws Exception {
    db = openDatabase();
    hbs = new HbsHarness(config(), clock);
  }

  @AfterEach
  void close() throws Exception {
    hbs.close();
    db.close();
  }

  private static IncidentEvent.Builder entry(String id, String kind, long at) {
    return IncidentEvent.newBuilder().setEventId(id).setKind(kind).setAt(at).setEndpoint("host1")
        .setMetric("cpu.idle").setPriority(1).setStep(1).setSender("sender-0");
  }

  private RecordIncidentEventsResponse record(IncidentEvent.Builder... entries) {
    IncidentEventBatch.Builder b = IncidentEventBatch.newBuilder();
    for (IncidentEvent.Builder e : entries) {
      b.addEvents(e);
    }
    return hbs.hbs.recordIncidentEvents(b.build());
  }

  @Test
  void historyIsWrittenQueriedAndKeptAcrossRestarts() throws Exception {
    RecordIncidentEventsResponse r = record(entry("s_3_a", "opened", t),
        entry("s_3_a", "notified", t + 10).setChannel("smtp").setReceiver("alice@example.com").setResult("ok"),
        entry("s_3_a", "notified", t + 11).setChannel("sms").setReceiver("138").setResult("failed")
            .setDetail("gateway answered 502"),
        entry("s_3_a", "acknowledged", t + 20).setReceiver("alice").setDetail("on it"),
        entry("s_4_b", "opened", t + 30).setEndpoint("db-1"),
        entry("s_3_a", "recovered", t + 40),
        entry("s_3_a", "exploded", t), entry("bad id", "opened", t), entry("s_3_a", "opened", 5),
        entry("s_3_a", "notified", t).setResult("maybe"), entry("s_3_a", "opened", t).setDetail("x".repeat(1025)));
    assertThat(r.getAccepted()).isEqualTo(6);
    assertThat(r.getInvalid()).isEqualTo(5);

    JsonNode all = hbs.get("/api/v1/incident-events").json();
    assertThat(all).extracting(n -> n.get("kind").asText())
        .containsExactly("recovered", "opened", "acknowledged", "notified", "notified", "opened");
    JsonNode failed = hbs.get("/api/v1/incident-events?eventId=s_3_a&kind=notified&sort=at").json();
    assertThat(failed).extracting(n -> n.get("result").asText()).containsExactly("ok", "failed");
    assertThat(failed.get(1).get("detail").asText()).isEqualTo("gateway answered 502");
    assertThat(failed.get(0).get("at").asLong()).isEqualTo(t + 10);
    assertThat(hbs.get("/api/v1/incident-events?endpoint=db-1").json()).hasSize(1);
    assertThat(hbs.get("/api/v1/incident-events?since=" + (t + 11) + "&until=" + (t + 30)).json())
        .extracting(n -> n.get("kind").asText()).containsExactly("acknowledged", "notified");
    HbsHarness.Response page = hbs.get("/api/v1/incident-events?eventId=s_3_a&limit=2&offset=2");
    assertThat(page.header("X-Total-Count")).isEqualTo("5");
    assertThat(page.header("Link")).contains("offset=4");
    assertThat(page.json()).hasSize(2);
    assertThat(hbs.get("/api/v1/incident-events?kind=exploded").json().get("field").asText()).isEqualTo("kind");
    assertThat(hbs.get("/api/v1/incident-events?since=yesterday").status()).isEqualTo(400);
    assertThat(hbs.get("/api/v1/incident-events?sort=endpoint").json().get("field").asText()).isEqualTo("sort");

    // across a restart of hbs on the same database
    hbs.close();
    hbs = new HbsHarness(config(), clock);
    assertThat(hbs.get("/api/v1/incident-events?eventId=s_3_a").json()).hasSize(5);
  }

  @Test
  void aBatchOverTheLimitIsRefusedWhole() {
    IncidentEvent.Builder[] many = new IncidentEvent.Builder[1001];
    for (int i = 0; i < many.length; i++) {
      many[i] = entry("s_3_m", "opened", t);
    }
    assertThatThrownBy(() -> record(many)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains("1001 incident events in one call; at most 1000");
    });
  }

  @Test
  void entriesPastTheRetentionAreDeleted() throws Exception {
    record(entry("s_3_old", "opened", t - Duration.ofDays(3).toMillis()),
        entry("s_3_old", "recovered", t - Duration.ofHours(25).toMillis()),
        entry("s_3_new", "opened", t - Duration.ofHours(23).toMillis()));
    assertThat(hbs.server.sweepIncidentHistory()).isEqualTo(2);
    assertThat(hbs.get("/api/v1/incident-events").json()).extracting(n -> n.get("eventId").asText())
        .containsExactly("s_3_new");
    clock.advance(Duration.ofHours(2));
    assertThat(hbs.server.sweepIncidentHistory()).isEqualTo(1);
    assertThat(hbs.get("/api/v1/incident-events").json()).isEmpty();
  }

  @Test
  void openIncidentsAreThoseOpenedAndNotRecovered() throws Exception {
    record(entry("s_3_a", "opened", t), entry("s_3_a", "recovered", t + 5),
        entry("s_3_a", "opened", t + 10).setStep(1),
        entry("s_3_a", "notified", t + 11).setChannel("smtp").setReceiver("a@example.com").setResult("ok"),
        entry("s_3_a", "acknowledged", t + 12).setReceiver("alice").setDetail("on it"),
        entry("s_3_a", "suppressed", t + 13).setStep(2),
        entry("e_9_b", "opened", t + 20).setEndpoint("db-1").setMetric("mem.used").setPriority(0),
        entry("e_9_b", "silenced", t + 21).setDetail("silence 4 by bob"),
        entry("s_5_c", "opened", t + 30), entry("s_5_c", "recovered", t + 30));

    HbsHarness.Response all = hbs.get("/api/v1/open-incidents");
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.header("X-Total-Count")).isEqualTo("2");
    assertThat(all.json()).extracting(n -> n.get("eventId").asText()).containsExactly("e_9_b", "s_3_a");
    JsonNode expr = all.json().get(0);
    assertThat(expr.get("expressionId").asLong()).isEqualTo(9);
    assertThat(expr.get("silenced").asBoolean()).isTrue();
    assertThat(expr.get("silence").asText()).isEqualTo("silence 4 by bob");
    assertThat(expr.get("acknowledged").asBoolean()).isFalse();
    JsonNode strategy = all.json().get(1);
    assertThat(strategy.get("strategyId").asLong()).isEqualTo(3);
    assertThat(strategy.get("openedAt").asLong()).isEqualTo(t + 10);
    assertThat(strategy.get("lastStep").asInt()).isEqualTo(2);
    assertThat(strategy.get("notified").asInt()).isEqualTo(1);
    assertThat(strategy.get("acknowledgedBy").asText()).isEqualTo("alice");
    assertThat(strategy.get("comment").asText()).isEqualTo("on it");

    assertThat(hbs.get("/api/v1/open-incidents?priority=0").json()).hasSize(1);
    assertThat(hbs.get("/api/v1/open-incidents?endpoint=host1&metric=cpu.idle").json())
        .extracting(n -> n.get("eventId").asText()).containsExactly("s_3_a");
    HbsHarness.Response page = hbs.get("/api/v1/open-incidents?limit=1&offset=1");
    assertThat(page.json()).extracting(n -> n.get("eventId").asText()).containsExactly("s_3_a");
    assertThat(hbs.get("/api/v1/open-incidents?priority=7").json().get("field").asText()).isEqualTo("priority");
    assertThat(hbs.get("/api/v1/open-incidents?host=x").json().get("field").asText()).isEqualTo("host");
    assertThat(hbs.get("/api/v1/open-incidents?limit=1001").status()).isEqualTo(400);

    // recent events with recoveries: several kinds in one filter
    assertThat(hbs.get("/api/v1/incident-events?kind=opened,recovered&sort=at").json())
        .extracting(n -> n.get("kind").asText())
        .containsExactly("opened", "recovered", "opened", "opened", "opened", "recovered");
    assertThat(hbs.get("/api/v1/incident-events?kind=opened,recovered&priority=0&metric=mem.used").json())
        .extracting(n -> n.get("eventId").asText()).containsExactly("e_9_b");
    assertThat(hbs.get("/api/v1/incident-events?priority=9").json().get("field").asText()).isEqualTo("priority");
    assertThat(hbs.get("/api/v1/incident-events?kind=opened,nope").json().get("field").asText()).isEqualTo("kind");
  }
}
