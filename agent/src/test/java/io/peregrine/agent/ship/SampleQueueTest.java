package io.peregrine.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.proto.v1.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleQueueTest {
  private static List<Sample> samples(int n) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Sample.newBuilder().setEndpoint("h").setMetric("m" + i).setValue(i).setStep(60).build());
    }
    return out;
  }

  @Test
  void offerAllTakesAPrefixUpToCapacityAndCountsItOnce() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SampleQueue queue = new SampleQueue(5, registry);
    assertThat(queue.offerAll(samples(3))).isEqualTo(3);
    List<Sample> next = samples(4);
    assertThat(queue.offerAll(next)).isEqualTo(2);
    assertThat(queue.full()).isTrue();
    assertThat(queue.offerAll(samples(1))).isZero();
    SampleLedger.Snapshot s = queue.ledger().snapshot();
    assertThat(s.in()).isEqualTo(5);
    assertThat(s.queued()).isEqualTo(5);
    assertThat(s.unaccounted()).isZero();
    assertThat(registry.get("agent_in_samples").counter().count()).isEqualTo(5.0);
    List<Sample> drained = new ArrayList<>();
    queue.drainTo(drained, 10);
    assertThat(drained.subList(3, 5)).containsExactlyElementsOf(next.subList(0, 2));
    queue.closeIntake();
    assertThat(queue.offerAll(samples(1))).isZero();
  }
}
