package io.peregrine.sender.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.time.ManualClock;
import io.peregrine.proto.v1.IncidentEvent;
import io.peregrine.sender.channel.Channel;
import io.peregrine.sender.channel.Channels;
import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.queue.RedisAlertSource;
import io.peregrine.sender.receiver.Escalation;
import io.peregrine.sender.receiver.Person;
import io.peregrine.sender.receiver.ReceiverDirectory;
import io.peregrine.sender.receiver.Recipients;
import io.peregrine.sender.testing.Configs;
import io.peregrine.sender.testing.RecordingHttpServer;
import io.peregrine.sender.testing.TestEvents;
import io.peregrine.sender.testing.TestRedis;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An acknowledgement racing an escalation step, many times over, on the real Redis store and on the in-process
 * one: the acknowledgement and a tick start together; either the step was claimed first and is sent, recorded in
 * the history and written to the store (all three), or none of them happened; after the acknowledgement no step
 * is told, however late it gets.
 */
class EscalationRaceRedisIT {
  private static final int ROUNDS = 40;
  private static final long T = 1_795_000_000L;
  private final TestRedis redis = new TestRedis();
  private final ManualClock clock = new ManualClock(T);
  private final List<IncidentEvent> history = new CopyOnWriteArrayList<>();
  private final ReceiverDirectory directory = actionId -> new Recipients(List.of(), Recipients.Status.NONE, "", null,
      new Escalation(List.of(new Escalation.Step(1, "b", "sms", List.of(new Person("bob", "", "13800000002", ""))),
          new Escalation.Step(5, "leads", "sms", List.of(new Person("lena", "", "13800000003", "")))), 10));

  @AfterEach
  void stop() {
    redis.close();
  }

  private Escalator escalator(EscalationStore store, RecordingHttpServer gw) {
    List<Channel> channels = Channels.enabled(Configs.sender(Map.of("console", false, "smsGatewayUrl",
        gw.url("/sms"))), null, HttpClient.newHttpClient());
    return new Escalator(store, directory, Silences.NONE, new EscalationSteps(channels,
        new MessageFormatter(ZoneOffset.UTC, ""), history::add, null, clock), clock, Duration.ofHours(1),
        Duration.ofSeconds(35), new SimpleMeterRegistry());
  }

  @Test
  void onRedis() throws Exception {
    try (RedisAlertSource source = new RedisAlertSource(TestRedis.URL, redis.prefix(), "race", 10,
        new SimpleMeterRegistry(), clock); RecordingHttpServer gw = RecordingHttpServer.alwaysOk()) {
      source.start();
      IncidentStore incidents = source.incidents(Duration.ofDays(1));
      race(incidents, escalator(source.escalations(Duration.ofDays(1)), gw), gw,
          id -> redis.redis().hget(redis.prefix() + "escalation:" + id, "next"));
    }
  }

  @Test
  void inProcess() throws Exception {
    try (RecordingHttpServer gw = RecordingHttpServer.alwaysOk()) {
      IncidentStore incidents = new InProcessIncidentStore(clock, Duration.ofDays(1));
      InProcessEscalationStore store = new InProcessEscalationStore(incidents, clock, Duration.ofDays(1));
      race(incidents, escalator(store, gw), gw, null);
    }
  }

  @Test
  void anOkThatCannotReachThoseToldIsTriedAgainForThemOnly() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
    try (RedisAlertSource source = new RedisAlertSource(TestRedis.URL, redis.prefix(), "ok-retry", 10,
        new SimpleMeterRegistry(), clock); RecordingHttpServer gw = new RecordingHttpServer(n -> down.get() ? 503
        : 200)) {
      source.start();
      IncidentStore incidents = source.incidents(Duration.ofDays(1));
      Escalator escalator = escalator(source.escalations(Duration.ofDays(1)), gw);
      AlertEvent p = TestEvents.problem("s_3_okretry", 1, 9, clock.seconds());
      incidents.problem(p);
      escalator.problem(p);
      clock.advance(Duration.ofMinutes(1));
      escalator.tick();
      assertThat(gw.requests()).hasSize(1);

      down.set(true);
      AlertEvent ok = new AlertEvent(p.id(), p.strategy(), null, AlertEvent.OK, p.endpoint(), 1, 1,
          clock.seconds(), p.pushedTags(), p.priority(), p.metric(), null, p.values());
      escalator.recovered(ok);
      escalator.tick();
      assertThat(gw.requests()).hasSize(2);
      assertThat(escalator.tick()).as("not again before a minute").isZero();
      down.set(false);
      clock.advance(Duration.ofMinutes(1));
      escalator.tick();
      assertThat(gw.requests()).hasSize(3);
      assertThat(gw.requests().get(2).form().get("tos")).isEqualTo("13800000002");
      assertThat(gw.requests().get(2).form().get("content")).contains("recovery of an escalated incident");
      clock.advance(Duration.ofMinutes(10));
      assertThat(escalator.tick()).as("forgotten once told").isZero();
      assertThat(history.stream().filter(e -> e.getKind().equals("notified")).map(IncidentEvent::getResult))
          .containsExactly("failed", "ok");
    }
  }

  private void race(IncidentStore incidents, Escalator escalator, RecordingHttpServer gw,
      java.util.function.Function<String, String> nextIndex) throws Exception {
    int sentRounds = 0;
    for (int i = 0; i < ROUNDS; i++) {
      AlertEvent p = TestEvents.problem("s_3_race" + i, 1, 9, clock.seconds());
      incidents.problem(p);
      escalator.problem(p);
      clock.advance(Duration.ofMinutes(1));
      int before = gw.requests().size();
      CyclicBarrier together = new CyclicBarrier(2);
      CompletableFuture<IncidentStore.AckResult> ack = CompletableFuture.supplyAsync(() -> {
        try {
          together.await();
          return incidents.acknowledge(p.id(), new IncidentStore.Ack("alice", clock.millis(), ""));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      CompletableFuture<Integer> tick = CompletableFuture.supplyAsync(() -> {
        try {
          together.await();
          return escalator.tick();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(ack.get().outcome()).isEqualTo(IncidentStore.AckResult.Outcome.ACKNOWLEDGED);
      tick.get();
      int sent = gw.requests().size() - before;
      long recorded = history.stream().filter(e -> e.getEventId().equals(p.id()) && e.getKind().equals("escalated"))
          .count();
      assertThat(sent).as("round %d: sent at most once", i).isBetween(0, 1);
      assertThat(recorded).as("round %d: recorded exactly when sent", i).isEqualTo(sent);
      if (nextIndex != null) {
        assertThat(nextIndex.apply(p.id())).as("round %d: the store says the same", i)
            .isEqualTo(Integer.toString(sent));
      }
      sentRounds += sent;

      clock.advance(Duration.ofMinutes(30)); // step 2 and repeats are long due: the acknowledgement stops them
      escalator.tick();
      assertThat(gw.requests().size() - before).as("round %d: nothing after the acknowledgement", i).isEqualTo(sent);
    }
    System.out.println("escalation race: the step won " + sentRounds + " of " + ROUNDS + " rounds");
  }
}
