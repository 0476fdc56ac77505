package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.common.time.ManualClock;
import io.peregrine.sender.lifecycle.IncidentStore;
import io.peregrine.sender.testing.Configs;
import io.peregrine.sender.testing.EscalationFixture;
import io.peregrine.sender.testing.FakeHbs;
import io.peregrine.sender.testing.RecordingHttpServer;
import io.peregrine.sender.testing.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Escalation in all-in-one without Redis (the in-process queue and stores), on a manual clock: steps in order, a
 * silence holds them while it is on, an acknowledgement stops them, the OK reaches everyone told; and the tick's
 * setting is checked.
 */
class EscalationInProcessTest {
  private static final long T = 1_795_000_000L;
  private final ManualClock clock = new ManualClock(T);
  private final InProcessAlertQueue queue = new InProcessAlertQueue(100);
  private final PrintStream console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @Test
  void stepsGoOutUntilAcknowledgedAndTheRecoveryReachesThoseTold() throws Exception {
    try (RecordingHttpServer gw = RecordingHttpServer.alwaysOk(); FakeHbs hbs = EscalationFixture.hbs()) {
      Map<String, Object> keys = new HashMap<>(Map.of("hbsAddress", hbs.address(), "console", false,
          "smsGatewayUrl", gw.url("/sms"), "mailGatewayUrl", gw.url("/mail"), "mergeFromPriority", 7));
      keys.put("lifecycle.escalationTick", Duration.ofHours(1));
      try (SenderServer s = new SenderServer(Configs.sender(keys), queue, console, clock)) {
        s.start();
        AlertEvent p = TestEvents.problem("s_3_inproc", 1, 9, T);
        queue.publish(p);
        await().atMost(Duration.ofSeconds(10)).until(() -> gw.requests().size() == 2);
        clock.advance(Duration.ofMinutes(5));
        s.escalator().tick();
        clock.advance(Duration.ofMinutes(10));
        s.escalator().tick();
        assertThat(EscalationFixture.steps(gw)).containsExactly("/sms " + EscalationFixture.BOB_PHONE + " 1 of 2",
            "/mail " + EscalationFixture.LENA + " 2 of 2");

        s.incidents().acknowledge(p.id(), new IncidentStore.Ack("lena", clock.millis(), ""));
        clock.advance(Duration.ofMinutes(90));
        s.escalator().tick();
        assertThat(EscalationFixture.steps(gw)).hasSize(2);

        int before = gw.requests().size();
        queue.publish(new AlertEvent(p.id(), p.strategy(), null, AlertEvent.OK, p.endpoint(), 1, 1, T + 6000,
            p.pushedTags(), p.priority(), p.metric(), AlertEvent.keyOf(p.id(), AlertEvent.OK, T + 6000, 1),
            p.values()));
        await().atMost(Duration.ofSeconds(10)).until(() -> gw.requests().size() == before + 2);
        s.escalator().tick();
        assertThat(EscalationFixture.recoveries(gw)).containsExactlyInAnyOrder("/sms " + EscalationFixture.BOB_PHONE,
            "/mail " + EscalationFixture.LENA);
      }
    }
  }

  @Test
  void aSilenceHoldsTheStepsWhileItIsOn() throws Exception {
    try (RecordingHttpServer gw = RecordingHttpServer.alwaysOk(); FakeHbs hbs = EscalationFixture.hbs()) {
      hbs.silences(java.util.List.of(io.peregrine.proto.v1.Silence.newBuilder().setId(1).setAuthor("ops")
          .addMatchers(io.peregrine.proto.v1.SilenceMatcher.newBuilder().setName("endpoint").setValue("host1"))
          .setStartsAt(T + 60).setEndsAt(T + 3600).build()));
      Map<String, Object> keys = new HashMap<>(Map.of("hbsAddress", hbs.address(), "console", false,
          "smsGatewayUrl", gw.url("/sms"), "mailGatewayUrl", gw.url("/mail"), "mergeFromPriority", 7));
      keys.put("lifecycle.escalationTick", Duration.ofHours(1));
      keys.put("lifecycle.silenceRefresh", Duration.ofMillis(50));
      try (SenderServer s = new SenderServer(Configs.sender(keys), queue, console, clock)) {
        s.start();
        queue.publish(TestEvents.problem("s_3_silenced", 1, 9, T));
        await().atMost(Duration.ofSeconds(10)).until(() -> gw.requests().size() == 2 && hbs.silenceCalls() > 1);
        clock.advance(Duration.ofMinutes(5));
        s.escalator().tick();
        assertThat(EscalationFixture.steps(gw)).as("silenced from T+60 to T+3600").isEmpty();
        clock.setSeconds(T + 3600);
        s.escalator().tick();
        assertThat(EscalationFixture.steps(gw)).containsExactly("/sms " + EscalationFixture.BOB_PHONE + " 1 of 2");
      }
    }
  }

  @Test
  void theTickMustBePositive() {
    assertThatThrownBy(() -> Configs.sender(Map.of("lifecycle.escalationTick", Duration.ZERO)))
        .hasMessageContaining("sender.lifecycle.escalationTick must be a positive duration");
  }
}
