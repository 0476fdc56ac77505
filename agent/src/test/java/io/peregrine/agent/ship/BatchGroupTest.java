package io.peregrine.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchGroupTest {
  private final WirePool pool = new WirePool(100);
  private final SeriesOwners owners = new SeriesOwners();

  private static Sample s(String tags, long ts) {
    return TestSamples.gauge("h", "m", tags, 1, ts);
  }

  private List<WireSamples> form(WireSamples first, WireSamples carry, SampleQueue queue, int batchSize, int max) {
    return BatchGroup.form(first, carry, queue, batchSize, max, pool, owners);
  }

  @Test
  void aRepeatedSeriesEndsTheGroupAndStartsTheNextBatch() {
    SampleQueue queue = new SampleQueue(100, new SimpleMeterRegistry());
    List<Sample> queued = List.of(s("a=2", 1), s("a=3", 1), s("a=4", 1), s("a=1", 2), s("a=5", 2));
    queue.offerAll(queued);
    WireSamples batch = WireSamples.of(List.of(s("a=0", 1), s("a=1", 1)));
    WireSamples carry = new WireSamples();
    List<WireSamples> group = form(batch, carry, queue, 2, 4);
    assertThat(group).map(WireSamples::toSamples).containsExactly(List.of(s("a=0", 1), s("a=1", 1)),
        List.of(s("a=2", 1), s("a=3", 1)), List.of(s("a=4", 1)));
    assertThat(group.get(0)).isSameAs(batch);
    assertThat(carry.toSamples()).as("a=1 again, and what followed it in its batch").containsExactly(s("a=1", 2));
    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.ledger().snapshot().inHand()).as("taken from the queue: two batches of two").isEqualTo(4);
  }

  @Test
  void stopsAtTheGroupSizeAndTheEmptyQueue() {
    SampleQueue queue = new SampleQueue(100, new SimpleMeterRegistry());
    for (int i = 0; i < 10; i++) {
      queue.offer(s("n=" + i, 1));
    }
    WireSamples carry = new WireSamples();
    assertThat(form(WireSamples.of(List.of(s("first", 1))), carry, queue, 3, 3)).hasSize(3);
    assertThat(carry.isEmpty()).isTrue();
    assertThat(queue.size()).isEqualTo(4);
    assertThat(form(WireSamples.of(List.of(s("x", 1))), carry, queue, 3, 4)).hasSize(3);
    assertThat(queue.size()).isZero();
  }

  @Test
  void repeatsWithinOneBatchDoNotCutIt() {
    SampleQueue queue = new SampleQueue(100, new SimpleMeterRegistry());
    queue.offerAll(List.of(s("b=1", 1), s("b=1", 2), s("b=2", 1)));
    WireSamples carry = new WireSamples();
    List<WireSamples> group = form(WireSamples.of(List.of(s("a=1", 1), s("a=1", 2))), carry, queue, 3, 4);
    assertThat(group).map(WireSamples::size).containsExactly(2, 3);
    assertThat(carry.isEmpty()).isTrue();
  }
}
