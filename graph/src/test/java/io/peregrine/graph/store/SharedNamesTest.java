package io.peregrine.graph.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.common.model.SeriesKey;
import io.peregrine.proto.v1.CounterType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Series of one endpoint or one metric hold one String instance of it, created and after a restart. */
class SharedNamesTest {
  @TempDir Path dir;

  static String fresh(String s) {
    return new String(s.toCharArray());
  }

  SeriesMeta create(SeriesIndex index, String endpoint, String metric) {
    String e = fresh(endpoint);
    String m = fresh(metric);
    return index.create(SeriesKey.of(e, m, ""), e, m, fresh(""), 60, CounterType.GAUGE);
  }

  @Test
  void endpointsMetricsAndTagsAreSharedAndForgottenWhenUnused() throws Exception {
    try (SeriesIndex index = new SeriesIndex(dir)) {
      index.load();
      SeriesMeta a = create(index, "host1", "cpu.idle");
      SeriesMeta b = create(index, "host1", "mem.free");
      SeriesMeta c = create(index, "host2", "cpu.idle");
      assertThat(b.endpoint()).isSameAs(a.endpoint());
      assertThat(c.metric()).isSameAs(a.metric());
      assertThat(c.tags()).isSameAs(a.tags());

      index.delete(a);
      index.delete(b);
      SeriesMeta again = create(index, "host1", "cpu.idle");
      assertThat(again.endpoint()).as("host1 was forgotten, a new instance is kept").isNotSameAs(a.endpoint())
          .isEqualTo("host1");
      assertThat(again.metric()).as("still used by host2").isSameAs(c.metric());
      index.sync();
    }
    try (SeriesIndex reloaded = new SeriesIndex(dir)) {
      reloaded.load();
      SeriesMeta x = reloaded.get("host1/cpu.idle/");
      SeriesMeta y = reloaded.get("host2/cpu.idle/");
      assertThat(x.metric()).isSameAs(y.metric());
      assertThat(reloaded.size()).isEqualTo(2);
    }
  }
}
