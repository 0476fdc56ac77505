package io.peregrine.judge.agent;

import static io.peregrine.judge.testing.Strategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.time.ManualClock;
import io.peregrine.judge.eval.Evaluator;
import io.peregrine.judge.eval.HistoryStore;
import io.peregrine.judge.strategy.StrategyIndex;
import io.peregrine.proto.v1.HostAlive;
import io.peregrine.proto.v1.HostLiveness;
import io.peregrine.proto.v1.HostStrategies;
import io.peregrine.proto.v1.StrategySet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Agent lost and found from hbs's heartbeat list, judged directly (no timer). */
class AgentLostWatchTest {
  private static final long T0 = 1_800_000_000L;
  private final ManualClock clock = new ManualClock(T0);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AlertEvent> events = new ArrayList<>();
  private final AgentLostWatch watch;

  AgentLostWatchTest() {
    StrategySet set = StrategySet.newBuilder().setVersion(1)
        .addHosts(HostStrategies.newBuilder().setHostname("web-01")
            .addStrategies(strategy(21, "agent.alive", "nodata(#3)", "==", 0).setPriority(0).setMaxStep(1))
            .addStrategies(strategy(22, "cpu.idle", "all(#3)", "<", 10))
            .addStrategies(strategy(23, "disk.io.util", "all(#3)", ">", 90)))
        .addHosts(HostStrategies.newBuilder().setHostname("db-01")
            .addStrategies(strategy(21, "agent.alive", "nodata(#3)", "==", 0).setPriority(0).setMaxStep(1)))
        .addHosts(HostStrategies.newBuilder().setHostname("batch-01")
            .addStrategies(strategy(22, "cpu.idle", "all(#3)", "<", 10)))
        .build();
    StrategyIndex index = StrategyIndex.build(set, 11, true);
    Evaluator evaluator = new Evaluator(new HistoryStore(11, clock, registry), () -> index, events::add, 11,
        Duration.ofSeconds(300), clock, registry);
    watch = new AgentLostWatch("127.0.0.1:1", Duration.ofSeconds(10), Duration.ofSeconds(180), () -> index,
        evaluator, registry);
  }

  private static HostLiveness live(long now, HostAlive.Builder... hosts) {
    HostLiveness.Builder b = HostLiveness.newBuilder().setNow(now);
    for (HostAlive.Builder h : hosts) {
      b.addHosts(h);
    }
    return b.build();
  }

  private static HostAlive.Builder host(String name, long lastHeartbeat, boolean maintenance) {
    return HostAlive.newBuilder().setHostname(name).setLastHeartbeat(lastHeartbeat).setInMaintenance(maintenance);
  }

  @Test
  void aSilentHostRaisesOneAgentAliveProblemAndAnOkWhenItHeartbeatsAgain() {
    clock.setSeconds(T0);
    watch.judge(live(T0, host("web-01", T0 - 180, false), host("batch-01", T0 - 3600, false)));
    assertThat(events).as("180 s is not more than 3 intervals; batch-01 has no agent.alive strategy").isEmpty();

    clock.setSeconds(T0 + 10);
    watch.judge(live(T0 + 10, host("web-01", T0 - 180, false)));
    assertThat(events).hasSize(1);
    AlertEvent p = events.get(0);
    assertThat(p.status()).isEqualTo(AlertEvent.PROBLEM);
    assertThat(p.endpoint()).isEqualTo("web-01");
    assertThat(p.metric()).isEqualTo("agent.alive");
    assertThat(p.id()).isEqualTo("s_21_" + SeriesKey.md5Hex("web-01/agent.alive/source=hbs"));
    assertThat(p.leftValue()).as("seconds since the last heartbeat").isEqualTo(190);
    assertThat(p.priority()).isZero();
    assertThat(p.strategy().tpl().actionId()).as("the template's action decides who is told").isEqualTo(50);
    assertThat(registry.get("judge.agent.lost.hosts").gauge().value()).isEqualTo(1);

    // still silent: one alert per host, not one per pass nor one per metric
    for (int i = 1; i <= 5; i++) {
      clock.setSeconds(T0 + 10 + i * 600);
      watch.judge(live(T0 + 10 + i * 600, host("web-01", T0 - 180, false)));
    }
    assertThat(events).hasSize(1);

    clock.setSeconds(T0 + 4000);
    watch.judge(live(T0 + 4000, host("web-01", T0 + 3990, false)));
    assertThat(events).extracting(AlertEvent::status).containsExactly(AlertEvent.PROBLEM, AlertEvent.OK);
    assertThat(registry.get("judge.agent.lost.hosts").gauge().value()).isZero();
  }

  @Test
  void aNodataAgentAliveStrategyRaisesOneAlertNotOneFromTheSamplesAndOneFromHbs() {
    StrategySet set = StrategySet.newBuilder().setVersion(1)
        .addHosts(HostStrategies.newBuilder().setHostname("web-01")
            .addStrategies(strategy(21, "agent.alive", "nodata(#3)", "==", 0).setPriority(0).setMaxStep(1)))
        .build();
    for (boolean agentLost : new boolean[] {true, false}) {
      events.clear();
      clock.setSeconds(T0);
      StrategyIndex index = StrategyIndex.build(set, 11, agentLost);
      Evaluator evaluator = new Evaluator(new HistoryStore(11, clock, registry), () -> index, events::add, 11,
          Duration.ofSeconds(300), clock, registry);
      AgentLostWatch w = new AgentLostWatch("127.0.0.1:1", Duration.ofSeconds(10), Duration.ofSeconds(180),
          () -> index, evaluator, registry);
      evaluator.judge(io.peregrine.common.testing.TestSamples.gauge("web-01", "agent.alive", "", 1, T0));
      for (long t = T0 + 1; t <= T0 + 400; t++) {
        clock.setSeconds(t);
        evaluator.checkSilence(); // the agent stopped: its agent.alive samples stop with its heartbeats
      }
      if (agentLost) {
        w.judge(live(T0 + 400, host("web-01", T0, false)));
        assertThat(events).as("agent-lost on: hbs's heartbeats raise it, the samples' silence does not")
            .extracting(AlertEvent::id).containsExactly("s_21_" + SeriesKey.md5Hex("web-01/agent.alive/source=hbs"));
      } else {
        // (the judge runs no agent-lost check then)
        assertThat(events).as("agent-lost off: the nodata strategy judges the samples' silence")
            .extracting(AlertEvent::id).containsExactly("s_21_" + SeriesKey.md5Hex("web-01/agent.alive"));
      }
    }
  }

  @Test
  void aHostInMaintenanceRaisesNothingEvenWhenSilent() {
    clock.setSeconds(T0);
    watch.judge(live(T0, host("db-01", T0 - 3600, true), host("web-01", T0, false)));
    assertThat(events).isEmpty();
    // the window ended and the host is still silent: now it alerts
    watch.judge(live(T0, host("db-01", T0 - 3600, false)));
    assertThat(events).extracting(AlertEvent::endpoint).containsExactly("db-01");
  }
}
