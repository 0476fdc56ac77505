package io.peregrine.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromNamesTest {
  @Test
  void mapsMetricCharactersOutsidePrometheusNamesToUnderscore() {
    assertThat(PromNames.metric("cpu.idle")).isEqualTo("cpu_idle");
    assertThat(PromNames.metric("disk.io.avgqu-sz")).isEqualTo("disk_io_avgqu_sz");
    assertThat(PromNames.metric("job:rate5m")).isEqualTo("job:rate5m");
    assertThat(PromNames.metric("5xx.count")).isEqualTo("_5xx_count");
    assertThat(PromNames.metric("温度")).isEqualTo("__");
  }

  @Test
  void mapsLabelNamesWithoutColons() {
    assertThat(PromNames.label("a:b.c")).isEqualTo("a_b_c");
    assertThat(PromNames.label("0zone")).isEqualTo("_0zone");
  }

  @Test
  void returnsAValidNameUnchanged() {
    String name = "cpu_idle";
    assertThat(PromNames.metric(name)).isSameAs(name);
  }
}
