package io.peregrine.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.SampleBatch;
import org.junit.jupiter.api.Test;

class OrderCheckTest {
  private static SampleBatch batch(String tags, long... timestamps) {
    SampleBatch.Builder b = SampleBatch.newBuilder();
    for (long ts : timestamps) {
      b.addSamples(TestSamples.gauge("host-a", "cpu.idle", tags, 1, ts));
    }
    return b.build();
  }

  @Test
  void countsSamplesOlderThanTheirSeriesNewestOnePerSeries() {
    OrderCheck check = new OrderCheck();
    check.check(batch("", 100, 100, 160));
    check.check(batch("", 120, 220)); // 120 < 160: backwards
    check.check(batch("cpu=1", 50)); // another series: its own order
    assertThat(check.backwards()).isEqualTo(1);
    assertThat(check.series()).isEqualTo(2);
  }
}
