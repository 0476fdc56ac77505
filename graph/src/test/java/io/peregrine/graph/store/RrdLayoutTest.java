package io.peregrine.graph.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.rrd4j.ConsolFun;

class RrdLayoutTest {
  static final int STEP = 60;
  static final long NOW = 1_700_006_400L; // a multiple of 43,200 (the 720-step row)

  static String choose(long start, ConsolFun cf, long resolution) {
    RrdLayout.Archive a = RrdLayout.choose(STEP, NOW, start, cf, resolution);
    return a.cf() + "/" + a.steps();
  }

  @Test
  void finestArchiveHoldingTheStartWins() {
    assertThat(choose(NOW - 3_600, ConsolFun.AVERAGE, STEP)).isEqualTo("AVERAGE/1");
    assertThat(choose(NOW - 86_400, ConsolFun.AVERAGE, STEP)).isEqualTo("AVERAGE/5");
    assertThat(choose(NOW - 5 * 86_400, ConsolFun.MAX, STEP)).isEqualTo("MAX/20");
    assertThat(choose(NOW - 60 * 86_400, ConsolFun.MIN, STEP)).isEqualTo("MIN/180");
    assertThat(choose(NOW - 300 * 86_400, ConsolFun.AVERAGE, STEP)).isEqualTo("AVERAGE/720");
  }

  @Test
  void rawArchiveServesEveryFunction() {
    assertThat(choose(NOW - 3_600, ConsolFun.MAX, STEP)).isEqualTo("AVERAGE/1");
    assertThat(choose(NOW - 3_600, ConsolFun.MIN, STEP)).isEqualTo("AVERAGE/1");
  }

  @Test
  void resolutionPicksTheClosestStepAmongArchivesHoldingTheStart() {
    assertThat(choose(NOW - 3_600, ConsolFun.MAX, 300)).isEqualTo("MAX/5");
    assertThat(choose(NOW - 3_600, ConsolFun.AVERAGE, 1_000)).isEqualTo("AVERAGE/20");
    assertThat(choose(NOW - 3_600, ConsolFun.AVERAGE, 100)).isEqualTo("AVERAGE/1");
    assertThat(choose(NOW - 86_400, ConsolFun.AVERAGE, 60)).as("raw does not reach back a day").isEqualTo("AVERAGE/5");
  }

  @Test
  void rangeOlderThanEveryArchiveGetsTheLongestOne() {
    assertThat(choose(NOW - 3L * 365 * 86_400, ConsolFun.MIN, STEP)).isEqualTo("MIN/720");
  }

  @Test
  void timestampsAlignToTheStartOfTheirStep() {
    assertThat(RrdLayout.align(1_700_000_017L, 60)).isEqualTo(1_700_000_000L - 1_700_000_000L % 60);
    assertThat(RrdLayout.align(120, 60)).isEqualTo(120);
    assertThat(RrdLayout.align(179, 60)).isEqualTo(120);
  }
}
