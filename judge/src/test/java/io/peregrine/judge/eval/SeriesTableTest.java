package io.peregrine.judge.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.common.time.ManualClock;
import io.peregrine.proto.v1.CounterType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SeriesTableTest {
  private final SeriesTable table = new SeriesTable();

  private static SampleView view(String endpoint, String metric, String tags) {
    return new SampleView().wrap(TestSamples.gauge(endpoint, metric, tags, 1, 1_800_000_000L));
  }

  private SeriesState put(SampleView v) {
    return table.putIfAbsent(new SeriesState(v, 3));
  }

  @Test
  void findsEachSeriesByItsBytesEvenWhenHashesCollide() {
    SampleView a = view("host1", "cpu.idle", "core=1");
    SampleView b = view("host1", "cpu.idle", "core=2");
    b.hash(a.hash()); // force a collision: same 64-bit hash, different series
    SeriesState sa = put(a);
    SeriesState sb = put(b);
    assertThat(sb).isNotSameAs(sa);
    assertThat(table.get(a)).isSameAs(sa);
    assertThat(table.get(b)).isSameAs(sb);
    assertThat(table.size()).isEqualTo(2);
    SampleView c = view("host1", "cpu.idle", "core=3");
    c.hash(a.hash());
    assertThat(table.get(c)).isNull();
    assertThat(put(a)).as("the same series again is the kept state").isSameAs(sa);
  }

  @Test
  void prefetchChangesNothingForHitsMissesCollisionsAndSkippedViews() {
    SampleView a = view("host1", "cpu.idle", "core=1");
    SampleView b = view("host1", "cpu.idle", "core=2");
    b.hash(a.hash()); // displaced from its home slot by a
    SampleView unknown = view("host9", "cpu.idle", "");
    SeriesState sa = put(a);
    SeriesState sb = put(b);
    sa.add(1_800_000_000L, 1, CounterType.GAUGE, 0); // one with a ring, one without
    SampleView[] views = new SampleView[SeriesTable.PREFETCH_WINDOW + 5];
    boolean[] valid = new boolean[views.length];
    for (int i = 0; i < views.length; i++) {
      views[i] = i % 3 == 0 ? a : i % 3 == 1 ? b : unknown;
      valid[i] = i % 4 != 3;
    }
    table.prefetch(views, valid, views.length); // more than a window: the rest is simply not prefetched
    assertThat(table.get(a)).isSameAs(sa);
    assertThat(table.get(b)).isSameAs(sb);
    assertThat(table.get(unknown)).isNull();
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void tellsApartSeriesWhoseConcatenatedBytesAreEqual() {
    SampleView a = view("ab", "c", "");
    SampleView b = view("a", "bc", "");
    b.hash(a.hash());
    assertThat(put(b)).isNotSameAs(put(a));
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void growsAndKeepsEverySeries() {
    for (int i = 0; i < 10_000; i++) {
      put(view("host" + i, "m", "i=" + i));
    }
    assertThat(table.size()).isEqualTo(10_000);
    assertThat(table.capacity()).isGreaterThanOrEqualTo(30_000);
    for (int i = 0; i < 10_000; i++) {
      SeriesState s = table.get(view("host" + i, "m", "i=" + i));
      assertThat(s).isNotNull();
      assertThat(s.endpoint()).isEqualTo("host" + i);
      assertThat(s.tags()).isEqualTo("i=" + i);
    }
  }

  @Test
  void staleSweepRemovesAndShrinksAndTheRestIsStillFound() {
    ManualClock clock = new ManualClock(1_800_000_000L);
    HistoryStore store = new HistoryStore(3, clock, new SimpleMeterRegistry());
    for (int i = 0; i < 1000; i++) {
      store.getOrCreate("old" + i, "m", "").add(1, 1, CounterType.GAUGE, clock.millis());
    }
    clock.advance(Duration.ofHours(23));
    SeriesState kept = store.getOrCreate("new", "m", "");
    kept.add(1, 1, CounterType.GAUGE, clock.millis());
    int before = store.tableCapacity();
    clock.advance(Duration.ofHours(2));
    assertThat(store.sweep()).isEqualTo(1000);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.tableCapacity()).isLessThan(before);
    assertThat(store.isCurrent(kept)).isTrue();
    assertThat(store.snapshot("old7", "m", "")).isEmpty();
    assertThat(store.snapshot("new", "m", "")).isPresent();
    assertThat(store.sweep()).isZero();
  }

  @Test
  void aSeriesMadeFromWireBytesIsFoundByItsStrings() {
    HistoryStore store = new HistoryStore(3, new ManualClock(1_800_000_000L), new SimpleMeterRegistry());
    SampleView v = view("h\u00f6st-1", "disk.used", "mount=/data");
    SeriesState s = store.getOrCreate(v, RuleMatcher.NO_RULES, null);
    s.add(1_800_000_000L, 7, CounterType.GAUGE, 0);
    assertThat(SeriesHash.of("h\u00f6st-1", "disk.used", "mount=/data")).isEqualTo(v.hash());
    assertThat(store.snapshot("h\u00f6st-1", "disk.used", "mount=/data").orElseThrow().points()).hasSize(1);
    assertThat(s.key()).isEqualTo("h\u00f6st-1/disk.used/mount=/data");
  }
}
