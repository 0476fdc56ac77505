package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.proto.v1.IncidentEvent;
import io.peregrine.sender.testing.Configs;
import io.peregrine.sender.testing.FakeHbs;
import io.peregrine.sender.testing.RecordingHttpServer;
import io.peregrine.sender.testing.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the sender writes to hbs's incident history over real gRPC: opened, each notification with its channel,
 * receivers and result (a failed try included), the acknowledgement, the repeat it suppressed, the recovery.
 */
class IncidentHistoryTest {
  private static final long T = 1_800_000_000L;
  private final InProcessAlertQueue queue = new InProcessAlertQueue(100);
  private final PrintStream console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  private SenderServer sender;

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
  }

  private static AlertEvent step(AlertEvent e, String status, int step, long time) {
    return new AlertEvent(e.id(), e.strategy(), e.expression(), status, e.endpoint(), e.leftValue(), step, time,
        e.pushedTags(), e.priority(), e.metric(), AlertEvent.keyOf(e.id(), status, time, step), e.values());
  }

  private double counter(String name, String... tags) {
    var c = sender.registry().find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void everyStepOfAnIncidentIsRecorded() throws Exception {
    try (RecordingHttpServer hook = RecordingHttpServer.alwaysOk();
        RecordingHttpServer im = new RecordingHttpServer(n -> n == 1 ? 502 : 200);
        FakeHbs hbs = FakeHbs.withOnCallTeam()) {
      sender = new SenderServer(Configs.sender(Map.of("hbsAddress", hbs.address(), "console", false,
          "webhookUrl", hook.url("/hook"), "imGatewayUrl", im.url("/im"), "consumerId", "sender-h")), queue,
          console);
      sender.start();
      AlertEvent first = TestEvents.problem("s_3_hist", 1, 9, T);
      queue.publish(first);
      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 1);

      HttpResponse<String> ack = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + sender.httpPort() + "/api/v1/incidents/s_3_hist/ack"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"by\":\"alice\",\"comment\":\"on it\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ack.statusCode()).isEqualTo(200);
      queue.publish(step(first, AlertEvent.PROBLEM, 2, T + 300));
      queue.publish(step(first, AlertEvent.OK, 1, T + 600));
      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 3);

      await().atMost(Duration.ofSeconds(10)).until(() -> hbs.history().size() == 9);
      List<IncidentEvent> h = hbs.history();
      List<String> kinds = h.stream().map(e -> e.getKind() + (e.getChannel().isEmpty() ? "" : ":" + e.getChannel())
          + (e.getResult().isEmpty() ? "" : ":" + e.getResult())).toList();
      assertThat(kinds).containsExactlyInAnyOrder("opened", "notified:webhook:ok", "notified:im:failed",
          "notified:im:ok", "acknowledged:api", "suppressed", "recovered", "notified:webhook:ok", "notified:im:ok");
      assertThat(kinds.get(0)).isEqualTo("opened");
      assertThat(kinds.indexOf("acknowledged:api")).isLessThan(kinds.indexOf("suppressed"));
      assertThat(kinds.indexOf("suppressed")).isLessThan(kinds.indexOf("recovered"));
      assertThat(h).allSatisfy(e -> {
        assertThat(e.getEventId()).isEqualTo("s_3_hist");
        assertThat(e.getSender()).isEqualTo("sender-h");
        assertThat(e.getEndpoint()).isEqualTo("host1");
        assertThat(e.getMetric()).isEqualTo("cpu.idle");
      });
      IncidentEvent failed = h.get(kinds.indexOf("notified:im:failed"));
      assertThat(failed.getReceiver()).isEqualTo("alice.im");
      assertThat(failed.getDetail()).contains("502");
      IncidentEvent acked = h.get(kinds.indexOf("acknowledged:api"));
      assertThat(acked.getReceiver()).isEqualTo("alice");
      assertThat(acked.getDetail()).isEqualTo("on it");
      assertThat(h.get(kinds.indexOf("recovered")).getDetail()).startsWith("acknowledged by alice at ");
      assertThat(h.get(kinds.indexOf("suppressed")).getStep()).isEqualTo(2);
    }
  }
}
