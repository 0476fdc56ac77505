package io.peregrine.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchGroupTest {
  private static Sample s(String tags, long ts) {
    return TestSamples.gauge("h", "m", tags, 1, ts);
  }

  @Test
  void aRepeatedSeriesEndsTheGroupAndStartsTheNextBatch() {
    SampleQueue queue = new SampleQueue(100, new SimpleMeterRegistry());
    List<Sample> queued = List.of(s("a=2", 1), s("a=3", 1), s("a=4", 1), s("a=1", 2), s("a=5", 2));
    queue.offerAll(queued);
    List<Sample> batch = new ArrayList<>(List.of(s("a=0", 1), s("a=1", 1)));
    List<List<Sample>> group = BatchGroup.form(batch, queue, 2, 4);
    assertThat(group).containsExactly(List.of(s("a=0", 1), s("a=1", 1)), List.of(s("a=2", 1), s("a=3", 1)),
        List.of(s("a=4", 1)));
    assertThat(batch).as("a=1 again, and what followed it in its batch").containsExactly(s("a=1", 2));
    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.ledger().snapshot().inHand()).as("taken from the queue: two batches of two").isEqualTo(4);
  }

  @Test
  void stopsAtTheGroupSizeAndTheEmptyQueue() {
    SampleQueue queue = new SampleQueue(100, new SimpleMeterRegistry());
    for (int i = 0; i < 10; i++) {
      queue.offer(s("n=" + i, 1));
    }
    List<Sample> batch = new ArrayList<>(List.of(s("first", 1)));
    assertThat(BatchGroup.form(batch, queue, 3, 3)).hasSize(3);
    assertThat(batch).isEmpty();
    assertThat(queue.size()).isEqualTo(4);
    assertThat(BatchGroup.form(new ArrayList<>(List.of(s("x", 1))), queue, 3, 4)).hasSize(3);
    assertThat(queue.size()).isZero();
  }
}
