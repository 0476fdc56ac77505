package io.peregrine.judge.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.time.ManualClock;
import io.peregrine.proto.v1.CounterType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HistoryStoreTest {
  private final ManualClock clock = new ManualClock(1_800_000_000L);
  private final HistoryStore store = new HistoryStore(3, clock, new SimpleMeterRegistry());

  @Test
  void keepsOnlyTheNewestPointsNewestFirst() {
    SeriesState s = store.getOrCreate("h/m/", false);
    for (int i = 1; i <= 5; i++) {
      assertThat(s.add(100 + i, i, CounterType.GAUGE, clock.millis())).isTrue();
    }
    assertThat(store.snapshot("h", "m", "").orElseThrow().points()).extracting(HistorySnapshot.Point::value)
        .containsExactly(5.0, 4.0, 3.0);
    double[] vs = new double[3];
    long[] ts = new long[3];
    assertThat(s.judgedPoints(vs, ts)).isEqualTo(3);
    assertThat(ts).containsExactly(105, 104, 103);
    assertThat(store.snapshot("other", "m", "")).isEmpty();
  }

  @Test
  void forgetsSeriesIdleForADay() {
    store.getOrCreate("old/m/", false).add(1, 1, CounterType.GAUGE, clock.millis());
    clock.advance(Duration.ofHours(23));
    store.getOrCreate("new/m/", false).add(1, 1, CounterType.GAUGE, clock.millis());
    clock.advance(Duration.ofHours(2));
    assertThat(store.sweep()).isEqualTo(1);
    assertThat(store.snapshot("old", "m", "")).isEmpty();
    assertThat(store.snapshot("new", "m", "")).isPresent();
  }
}
