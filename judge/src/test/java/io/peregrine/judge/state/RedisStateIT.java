package io.peregrine.judge.state;

import static io.peregrine.judge.testing.Strategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.event.AlertQueues;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.testing.TcpProxy;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.common.time.ManualClock;
import io.peregrine.judge.JudgeConfig;
import io.peregrine.judge.testing.FakeHbs;
import io.peregrine.judge.testing.JudgeHarness;
import io.peregrine.judge.testing.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The judge's state in the real Redis: restarts, Redis going away mid-stream, a series moving between judges. */
class RedisStateIT {
  private static final long T0 = 1_800_000_000L;
  private static final String REDIS = "redis://127.0.0.1:6379/0";
  private static final String ID = "s_7_" + SeriesKey.md5Hex("host1/cpu.idle");

  private final String prefix = "peregrine-test-judge-state-" + UUID.randomUUID() + ":";
  private final String queue = AlertQueues.name(prefix, 2);
  private final ManualClock clock = new ManualClock(T0 + 60);
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private RedisCommands<String, String> redis;
  private FakeHbs hbs;

  @BeforeEach
  void setUp() throws Exception {
    client = RedisClient.create(REDIS);
    connection = client.connect();
    redis = connection.sync();
    // maxStep 1: a judge that lost the PROBLEM would raise it again with step 1
    hbs = new FakeHbs(Strategies.set(1, "host1", strategy(7, "cpu.idle", "all(#2)", "<", 10).setMaxStep(1)));
  }

  @AfterEach
  void tearDown() throws Exception {
    List<String> keys = redis.keys(prefix + "*");
    if (!keys.isEmpty()) {
      redis.del(keys.toArray(new String[0]));
    }
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    hbs.close();
  }

  private JudgeConfig config(String redisUrl) {
    return JudgeConfig.defaults().withHbs(hbs.address(), Duration.ofMillis(200)).withRedis(redisUrl, prefix);
  }

  /** Events in the queue, oldest first. */
  private List<AlertEvent> events() {
    List<AlertEvent> out = new ArrayList<>();
    List<String> raw = redis.lrange(queue, 0, -1);
    for (int i = raw.size() - 1; i >= 0; i--) {
      out.add(AlertEventJson.read(raw.get(i)));
    }
    return out;
  }

  @Test
  void restartMidIncidentRaisesNoSecondProblemAndStillSendsTheOk() throws Exception {
    try (JudgeHarness judge = new JudgeHarness(config(REDIS), null, clock)) {
      judge.push(TestSamples.gauge("host1", "cpu.idle", "", 5, T0), TestSamples.gauge("host1", "cpu.idle", "", 4, T0 + 60));
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.llen(queue) == 1);
    }
    assertThat(redis.hget(StateKeys.redisKey(prefix, StateKeys.seriesHash(ID)), "s_7")).isEqualTo("P 1 " + (T0 + 60));
    assertThat(redis.ttl(StateKeys.redisKey(prefix, StateKeys.seriesHash(ID)))).isPositive();

    clock.setSeconds(T0 + 240);
    try (JudgeHarness judge = new JudgeHarness(config(REDIS), null, clock)) {
      judge.push(TestSamples.gauge("host1", "cpu.idle", "", 3, T0 + 120),
          TestSamples.gauge("host1", "cpu.idle", "", 2, T0 + 180),
          TestSamples.gauge("host1", "cpu.idle", "", 50, T0 + 240));
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.llen(queue) == 2);
    }
    List<AlertEvent> events = events();
    assertThat(events).extracting(AlertEvent::status).containsExactly(AlertEvent.PROBLEM, AlertEvent.OK);
    assertThat(events.get(1).id()).isEqualTo(ID);
    assertThat(events.get(1).eventTime()).isEqualTo(T0 + 240);
  }

  @Test
  void redisCutMidStreamLosesNoEvent() throws Exception {
    try (TcpProxy proxy = new TcpProxy(6379);
        JudgeHarness judge = new JudgeHarness(config("redis://127.0.0.1:" + proxy.port() + "/0"), null, clock)) {
      judge.push(TestSamples.gauge("host1", "cpu.idle", "", 50, T0)); // state read while Redis is reachable
      proxy.cut();
      judge.push(TestSamples.gauge("host1", "cpu.idle", "", 5, T0 + 60), TestSamples.gauge("host1", "cpu.idle", "", 4, T0 + 120));
      await().atMost(Duration.ofSeconds(10)).until(() -> judge.judge().pendingAlerts() == 1);
      assertThat(redis.llen(queue)).as("nothing reached Redis while it was cut off").isZero();
      proxy.restore();
      await().atMost(Duration.ofSeconds(20)).until(() -> redis.llen(queue) == 1);
      judge.push(TestSamples.gauge("host1", "cpu.idle", "", 60, T0 + 180));
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.llen(queue) == 2);
    }
    assertThat(events()).extracting(AlertEvent::status, AlertEvent::eventTime)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertEvent.PROBLEM, T0 + 120),
            org.assertj.core.groups.Tuple.tuple(AlertEvent.OK, T0 + 180));
  }

  @Test
  void aSeriesMovingToAnotherJudgeTakesItsStateWithIt() throws Exception {
    try (JudgeHarness a = new JudgeHarness(config(REDIS), null, clock);
        JudgeHarness b = new JudgeHarness(config(REDIS), null, clock)) {
      a.push(TestSamples.gauge("host1", "cpu.idle", "", 5, T0), TestSamples.gauge("host1", "cpu.idle", "", 4, T0 + 60));
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.llen(queue) == 1);
      // the ring changed: transfer now sends host1/cpu.idle to b, which never saw it
      clock.setSeconds(T0 + 240);
      b.push(TestSamples.gauge("host1", "cpu.idle", "", 3, T0 + 120), TestSamples.gauge("host1", "cpu.idle", "", 2, T0 + 180));
      b.push(TestSamples.gauge("host1", "cpu.idle", "", 70, T0 + 240));
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.llen(queue) == 2);
    }
    List<AlertEvent> events = events();
    assertThat(events).extracting(AlertEvent::status).containsExactly(AlertEvent.PROBLEM, AlertEvent.OK);
    assertThat(events.get(1).eventTime()).isEqualTo(T0 + 240);
  }

  @Test
  void twoJudgesRaiseOneAgentLostProblemForAHost() throws Exception {
    hbs.set(Strategies.set(2, "web-01", strategy(21, "agent.alive", "all(#1)", "<", 1)
        .setPriority(2)));
    clock.setSeconds(T0 + 1000);
    hbs.liveness(io.peregrine.proto.v1.HostLiveness.newBuilder().setNow(T0 + 1000)
        .addHosts(io.peregrine.proto.v1.HostAlive.newBuilder().setHostname("web-01").setLastHeartbeat(T0)).build());
    JudgeConfig config = config(REDIS).withAgentLost(Duration.ofSeconds(60), 3);
    try (JudgeHarness a = new JudgeHarness(config, null, clock);
        JudgeHarness b = new JudgeHarness(config, null, clock)) {
      for (JudgeHarness j : List.of(a, b)) {
        await().atMost(Duration.ofSeconds(10))
            .until(() -> j.judge().registry().get("judge.agent.lost.hosts").gauge().value() == 1);
      }
    }
    assertThat(events()).extracting(AlertEvent::status, AlertEvent::endpoint)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertEvent.PROBLEM, "web-01"));
  }

  @Test
  void thePublishScriptPushesAnEventWhoseStateIsAlreadyStoredOnlyOnce() throws Exception {
    try (io.peregrine.judge.publish.RedisAlertPublisher publisher =
        new io.peregrine.judge.publish.RedisAlertPublisher(REDIS, prefix)) {
      publisher.start();
      AlertEvent problem = new AlertEvent(ID, null, null, AlertEvent.PROBLEM, "host1", 4, 1, T0, java.util.Map.of(), 2,
          "cpu.idle", AlertEvent.keyOf(ID, AlertEvent.PROBLEM, T0, 1), List.of(4.0));
      publisher.publish(problem);
      publisher.publish(problem); // a retry of an LPUSH that had run, or another judge raising the same event
      assertThat(redis.llen(queue)).isEqualTo(1);
      assertThat(publisher.deduplicated()).isEqualTo(1);
      assertThat(publisher.load(StateKeys.seriesHash(ID)))
          .containsEntry("s_7", new io.peregrine.judge.eval.LastEvent(true, 1, T0));
    }
  }
}
