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

  @Test
  void tenThousandSamplesCrossChunksInOrderAndEmptiedChunksAreReused() {
    SampleQueue queue = new SampleQueue(100_000, new SimpleMeterRegistry());
    List<Sample> push = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      push.add(Sample.newBuilder().setEndpoint("endpoint-" + (i % 100)).setMetric("metric." + (i / 100))
          .setTags("k=v" + i).setValue(i).setTimestamp(1_700_000_000L).setStep(60).build());
    }
    WireSamples wire = WireSamples.of(push);
    assertThat(wire.byteLength()).as("more than one chunk").isGreaterThan(2 * SampleQueue.CHUNK_BYTES);
    assertThat(queue.offerAll(wire)).isEqualTo(10_000);
    queue.offer(push.get(0));
    WireSamples out = new WireSamples();
    int n = 0;
    while (queue.size() > 0) {
      n += queue.drainTo(out, 1_000);
    }
    assertThat(n).isEqualTo(10_001);
    assertThat(out.toSamples().subList(0, 10_000)).isEqualTo(push);
    assertThat(out.sample(10_000)).isEqualTo(push.get(0));
    int free = queue.freeChunks();
    assertThat(free).as("the emptied chunks are kept").isGreaterThan(2);
    assertThat(queue.offerAll(wire)).isEqualTo(10_000);
    assertThat(queue.freeChunks()).as("the next push takes them again").isLessThan(free);
    SampleLedger.Snapshot s = queue.ledger().snapshot();
    assertThat(s.in()).isEqualTo(20_001);
    assertThat(s.queued()).isEqualTo(10_000);
    assertThat(s.inHand()).isEqualTo(10_001);
    assertThat(s.unaccounted()).isZero();
  }

  @Test
  void theByteBoundRefusesWhatWouldPassIt() {
    SampleQueue queue = new SampleQueue(10, new SimpleMeterRegistry());
    String big = "v".repeat(SampleQueue.BYTES_PER_SAMPLE * 4);
    List<Sample> large = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      large.add(Sample.newBuilder().setEndpoint("h").setMetric("m").setTags("k=" + big + i).setValue(i)
          .setStep(60).build());
    }
    int taken = queue.offerAll(large);
    assertThat(taken).as("10 x %s bytes hold 2 samples of ~%s", SampleQueue.BYTES_PER_SAMPLE, big.length())
        .isEqualTo(2);
    assertThat(queue.offer(large.get(4))).isFalse();
    assertThat(queue.ledger().snapshot().in()).isEqualTo(2);
  }
}
