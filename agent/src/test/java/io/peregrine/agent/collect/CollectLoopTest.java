package io.peregrine.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.proto.v1.Sample;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CollectLoopTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_123L), ZoneOffset.UTC);

  private static Collector constant(String name, String metric) {
    return new Collector() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void collect(SampleEmitter out) {
        out.gauge(metric, "", 1);
      }
    };
  }

  @Test
  void aFailingCollectorIsCountedAndTheOthersStillRun() {
    Collector broken = new Collector() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public void collect(SampleEmitter out) throws Exception {
        throw new java.io.IOException("no such file");
      }
    };
    List<Sample> got = new ArrayList<>();
    CollectLoop loop = new CollectLoop(List.of(broken, constant("a", "agent.alive")), "node-1",
        Duration.ofSeconds(15), clock, got::add, registry);
    assertThat(loop.runOnce()).isTrue();
    assertThat(got).singleElement().satisfies(s -> {
      assertThat(s.getMetric()).isEqualTo("agent.alive");
      assertThat(s.getEndpoint()).isEqualTo("node-1");
      assertThat(s.getStep()).isEqualTo(15);
      assertThat(s.getTimestamp()).isEqualTo(1_700_000_123L);
    });
    assertThat(registry.get("agent_collector_failures").tag("collector", "broken").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("agent_collected_samples").tag("collector", "a").counter().count())
        .isEqualTo(1);
  }

  @Test
  void samplesTheQueueRefusesAreCountedAsDropped() {
    CollectLoop loop = new CollectLoop(List.of(constant("a", "x"), constant("b", "y")), "n", Duration.ofSeconds(10),
        clock, s -> false, registry);
    loop.runOnce();
    assertThat(registry.get("agent_dropped_samples").tag("reason", "queue_full").counter().count())
        .isEqualTo(2);
  }

  @Test
  void aRoundAskedForWhileOneRunsIsSkipped() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Collector slow = new Collector() {
      @Override
      public String name() {
        return "slow";
      }

      @Override
      public void collect(SampleEmitter out) throws InterruptedException {
        inside.countDown();
        release.await(10, TimeUnit.SECONDS);
      }
    };
    CollectLoop loop = new CollectLoop(List.of(slow), "n", Duration.ofSeconds(10), clock, s -> true, registry);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      var first = other.submit(loop::runOnce);
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(loop.runOnce()).isFalse();
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(registry.get("agent_collect_rounds_skipped").counter().count()).isEqualTo(1);
    } finally {
      other.shutdownNow();
    }
  }
}
