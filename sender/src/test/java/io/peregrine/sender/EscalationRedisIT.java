package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.time.ManualClock;
import io.peregrine.proto.v1.IncidentEvent;
import io.peregrine.sender.testing.Configs;
import io.peregrine.sender.testing.EscalationFixture;
import io.peregrine.sender.testing.FakeHbs;
import io.peregrine.sender.testing.RecordingHttpServer;
import io.peregrine.sender.testing.TestEvents;
import io.peregrine.sender.testing.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Escalation end to end on the real Redis (a prefix of the test's own), a real gRPC hbs answering action 9's steps,
 * loopback SMS and mail gateways and a manual clock; the senders' own tick is an hour, so the test's ticks are the
 * only ones. Steps in order and on time, then repeats; the OK to everyone told; a sender closed between steps and
 * started again; two senders on one Redis.
 */
class EscalationRedisIT {
  private static final long T = LocalDateTime.of(2026, 11, 22, 10, 0).toEpochSecond(ZoneOffset.UTC);
  private final TestRedis redis = new TestRedis();
  private final ManualClock clock = new ManualClock(T);
  private final PrintStream console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  private final List<SenderServer> senders = new ArrayList<>();

  @AfterEach
  void stop() {
    senders.forEach(SenderServer::close);
    redis.close();
  }

  private SenderServer start(FakeHbs hbs, RecordingHttpServer gw, String consumer) throws Exception {
    Map<String, Object> keys = new HashMap<>(Map.of("redisUrl", TestRedis.URL, "redisKeyPrefix", redis.prefix(),
        "consumerId", consumer, "hbsAddress", hbs.address(), "console", false, "smsGatewayUrl", gw.url("/sms"),
        "mailGatewayUrl", gw.url("/mail"), "mergeFromPriority", 7));
    keys.put("lifecycle.escalationTick", Duration.ofHours(1));
    SenderServer s = new SenderServer(Configs.sender(keys), null, null, console, clock);
    senders.add(s);
    s.start();
    return s;
  }

  private void publish(AlertEvent e) {
    redis.redis().lpush(redis.prefix() + "event:p" + e.priority(), AlertEventJson.write(e));
  }

  private static AlertEvent ok(AlertEvent e, long time) {
    return new AlertEvent(e.id(), e.strategy(), e.expression(), AlertEvent.OK, e.endpoint(), e.leftValue(), 1, time,
        e.pushedTags(), e.priority(), e.metric(), AlertEvent.keyOf(e.id(), AlertEvent.OK, time, 1), e.values());
  }

  private void minutes(long m) {
    clock.advance(Duration.ofMinutes(m));
  }

  /** The PROBLEM told to the action's own people (so the gate opened its escalation). */
  private AlertEvent opened(String id, RecordingHttpServer gw) {
    AlertEvent p = TestEvents.problem(id, 1, 9, T);
    publish(p);
    await().atMost(Duration.ofSeconds(10)).until(() -> gw.requests().size() == 2); // alice: sms and mail
    return p;
  }

  @Test
  void anUnacknowledgedIncidentWalksEveryStepOnTimeThenRepeatsAndItsRecoveryReachesEveryoneTold() throws Exception {
    try (RecordingHttpServer gw = RecordingHttpServer.alwaysOk(); FakeHbs hbs = EscalationFixture.hbs()) {
      SenderServer s = start(hbs, gw, "esc-1");
      AlertEvent p = opened("s_3_walk", gw);

      minutes(4);
      assertThat(s.escalator().tick()).as("not due before 5 minutes").isZero();
      minutes(1);
      s.escalator().tick();
      assertThat(EscalationFixture.steps(gw)).containsExactly("/sms " + EscalationFixture.BOB_PHONE + " 1 of 2");
      minutes(9);
      s.escalator().tick();
      assertThat(EscalationFixture.steps(gw)).hasSize(1);
      minutes(1);
      s.escalator().tick();
      assertThat(EscalationFixture.steps(gw)).endsWith("/mail " + EscalationFixture.LENA + " 2 of 2");
      minutes(29);
      s.escalator().tick();
      assertThat(EscalationFixture.steps(gw)).hasSize(2);
      minutes(1);
      s.escalator().tick();
      minutes(30);
      s.escalator().tick();
      assertThat(EscalationFixture.steps(gw)).containsExactly("/sms " + EscalationFixture.BOB_PHONE + " 1 of 2",
          "/mail " + EscalationFixture.LENA + " 2 of 2", "/mail " + EscalationFixture.LENA + " 2 of 2",
          "/mail " + EscalationFixture.LENA + " 2 of 2");

      int before = gw.requests().size();
      publish(ok(p, clock.seconds()));
      await().atMost(Duration.ofSeconds(10)).until(() -> gw.requests().size() == before + 2); // alice's OK
      s.escalator().tick();
      assertThat(EscalationFixture.recoveries(gw)).containsExactlyInAnyOrder("/sms " + EscalationFixture.BOB_PHONE,
          "/mail " + EscalationFixture.LENA);
      minutes(60);
      assertThat(s.escalator().tick()).as("the escalation ended").isZero();
      assertThat(EscalationFixture.steps(gw)).hasSize(4);

      await().atMost(Duration.ofSeconds(10)).until(() -> hbs.history().stream()
          .filter(e -> e.getKind().equals("escalated")).count() == 4);
      List<IncidentEvent> escalated = hbs.history().stream().filter(e -> e.getKind().equals("escalated")).toList();
      assertThat(escalated).extracting(e -> e.getChannel() + " " + e.getReceiver() + " " + e.getResult())
          .containsExactly("sms " + EscalationFixture.BOB_PHONE + " ok", "mail " + EscalationFixture.LENA + " ok",
              "mail " + EscalationFixture.LENA + " ok", "mail " + EscalationFixture.LENA + " ok");
      assertThat(escalated.get(0).getDetail()).isEqualTo("escalation step 1 of 2: team b");
    }
  }

  @Test
  void aSenderClosedBetweenStepsAndStartedAgainNeitherSkipsNorRepeatsAStep() throws Exception {
    try (RecordingHttpServer gw = RecordingHttpServer.alwaysOk(); FakeHbs hbs = EscalationFixture.hbs()) {
      SenderServer first = start(hbs, gw, "esc-restart");
      opened("s_3_restart", gw);
      minutes(5);
      first.escalator().tick();
      first.close();

      minutes(60); // down for an hour: step 2 is overdue (repeats count from when it is told)
      SenderServer again = start(hbs, gw, "esc-restart");
      again.escalator().tick();
      again.escalator().tick();
      again.escalator().tick();
      assertThat(EscalationFixture.steps(gw)).containsExactly("/sms " + EscalationFixture.BOB_PHONE + " 1 of 2",
          "/mail " + EscalationFixture.LENA + " 2 of 2");
      minutes(30);
      again.escalator().tick();
      assertThat(EscalationFixture.steps(gw)).hasSize(3).endsWith("/mail " + EscalationFixture.LENA + " 2 of 2");
    }
  }

  @Test
  void twoSendersOnOneRedisTellEachStepOnce() throws Exception {
    try (RecordingHttpServer gw = RecordingHttpServer.alwaysOk(); FakeHbs hbs = EscalationFixture.hbs()) {
      SenderServer a = start(hbs, gw, "esc-a");
      SenderServer b = start(hbs, gw, "esc-b");
      opened("s_3_two", gw);
      for (int m : new int[] {5, 10, 30, 30}) {
        minutes(m);
        CompletableFuture<Integer> ta = CompletableFuture.supplyAsync(() -> tick(a));
        CompletableFuture<Integer> tb = CompletableFuture.supplyAsync(() -> tick(b));
        assertThat(ta.get() + tb.get()).as("one claim between them").isEqualTo(1);
      }
      assertThat(EscalationFixture.steps(gw)).containsExactly("/sms " + EscalationFixture.BOB_PHONE + " 1 of 2",
          "/mail " + EscalationFixture.LENA + " 2 of 2", "/mail " + EscalationFixture.LENA + " 2 of 2",
          "/mail " + EscalationFixture.LENA + " 2 of 2");
    }
  }

  @Test
  void anAcknowledgementStopsTheStepsAndTheRecoveryStillReachesThoseTold() throws Exception {
    try (RecordingHttpServer gw = RecordingHttpServer.alwaysOk(); FakeHbs hbs = EscalationFixture.hbs()) {
      SenderServer s = start(hbs, gw, "esc-ack");
      AlertEvent p = opened("s_3_ack", gw);
      minutes(5);
      s.escalator().tick();
      s.incidents().acknowledge(p.id(), new io.peregrine.sender.lifecycle.IncidentStore.Ack("alice",
          clock.millis(), "on it"));
      minutes(60);
      s.escalator().tick();
      assertThat(EscalationFixture.steps(gw)).containsExactly("/sms " + EscalationFixture.BOB_PHONE + " 1 of 2");
      int before = gw.requests().size();
      publish(ok(p, clock.seconds()));
      await().atMost(Duration.ofSeconds(10)).until(() -> gw.requests().size() == before + 2);
      s.escalator().tick();
      assertThat(EscalationFixture.recoveries(gw)).containsExactly("/sms " + EscalationFixture.BOB_PHONE);
    }
  }

  private static int tick(SenderServer s) {
    try {
      return s.escalator().tick();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
