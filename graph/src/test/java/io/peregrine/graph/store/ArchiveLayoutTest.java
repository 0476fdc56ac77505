package io.peregrine.graph.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.proto.v1.Consolidation;
import org.junit.jupiter.api.Test;

class ArchiveLayoutTest {
  static final int STEP = 60;
  static final long NOW = 1_700_006_400L; // a multiple of 43,200 (the 720-step point)

  static String choose(long start, Consolidation cf, long resolution) {
    ArchiveLayout.Archive a = ArchiveLayout.openFalcon().choose(STEP, NOW, start, cf, resolution);
    return a.cf() + "/" + a.steps();
  }

  @Test
  void finestArchiveHoldingTheStartWins() {
    assertThat(choose(NOW - 3_600, Consolidation.AVERAGE, STEP)).isEqualTo("AVERAGE/1");
    assertThat(choose(NOW - 86_400, Consolidation.AVERAGE, STEP)).isEqualTo("AVERAGE/5");
    assertThat(choose(NOW - 5 * 86_400, Consolidation.MAX, STEP)).isEqualTo("MAX/20");
    assertThat(choose(NOW - 60 * 86_400, Consolidation.MIN, STEP)).isEqualTo("MIN/180");
    assertThat(choose(NOW - 300 * 86_400, Consolidation.AVERAGE, STEP)).isEqualTo("AVERAGE/720");
  }

  @Test
  void rawArchiveServesEveryFunction() {
    assertThat(choose(NOW - 3_600, Consolidation.MAX, STEP)).isEqualTo("AVERAGE/1");
    assertThat(choose(NOW - 3_600, Consolidation.MIN, STEP)).isEqualTo("AVERAGE/1");
  }

  @Test
  void resolutionPicksTheClosestStepAmongArchivesHoldingTheStart() {
    assertThat(choose(NOW - 3_600, Consolidation.MAX, 300)).isEqualTo("MAX/5");
    assertThat(choose(NOW - 3_600, Consolidation.AVERAGE, 1_000)).isEqualTo("AVERAGE/20");
    assertThat(choose(NOW - 3_600, Consolidation.AVERAGE, 100)).isEqualTo("AVERAGE/1");
    assertThat(choose(NOW - 86_400, Consolidation.AVERAGE, 60)).as("raw does not reach back a day")
        .isEqualTo("AVERAGE/5");
  }

  @Test
  void theRawRingHolds720StepsBeforeTheOneInProgress() {
    assertThat(choose(NOW - 719 * 60, Consolidation.AVERAGE, STEP)).isEqualTo("AVERAGE/1");
    assertThat(choose(NOW - 720 * 60, Consolidation.AVERAGE, STEP)).as("12 h, both ends included")
        .isEqualTo("AVERAGE/1");
    assertThat(choose(NOW - 721 * 60, Consolidation.AVERAGE, STEP)).isEqualTo("AVERAGE/5");
  }

  @Test
  void rangeOlderThanEveryArchiveGetsTheLongestOne() {
    assertThat(choose(NOW - 3L * 365 * 86_400, Consolidation.MIN, STEP)).isEqualTo("MIN/720");
  }

  @Test
  void consolidatedPointsAreReportedAtTheEndOfWhatTheyHold() {
    assertThat(ArchiveLayout.pointIndex(300, 60, 5)).isEqualTo(1);
    assertThat(ArchiveLayout.pointIndex(60, 60, 5)).isEqualTo(1);
    assertThat(ArchiveLayout.pointIndex(360, 60, 5)).isEqualTo(2);
    assertThat(ArchiveLayout.pointIndex(0, 60, 5)).isEqualTo(0);
    assertThat(ArchiveLayout.pointIndex(120, 60, 1)).isEqualTo(2);
  }

  @Test
  void timestampsAlignToTheStartOfTheirStep() {
    assertThat(ArchiveLayout.align(179, 60)).isEqualTo(120);
    assertThat(ArchiveLayout.align(120, 60)).isEqualTo(120);
  }

  @Test
  void aSeriesTakes34KilobytesWhenEveryArchiveIsFull() {
    assertThat(ArchiveLayout.openFalcon().cellsPerSeries()).isEqualTo(8_496);
    assertThat(Segment.fileBytes(ArchiveLayout.openFalcon())).isEqualTo(4096 + 4096L * (SlotState.BYTES + 8_496 * 4));
  }

  static String chooseIn(ArchiveLayout layout, long start, Consolidation cf, long resolution) {
    ArchiveLayout.Archive a = layout.choose(STEP, NOW, start, cf, resolution);
    return a.cf() + "/" + a.steps();
  }

  @Test
  void aRawArchiveOf1440RowsServesADayAtTheStep() {
    ArchiveLayout day = ArchiveLayout.withRawRows(1_440);
    assertThat(chooseIn(day, NOW - 86_400 + 60, Consolidation.AVERAGE, STEP)).isEqualTo("AVERAGE/1");
    assertThat(chooseIn(day, NOW - 86_400 + 60, Consolidation.MAX, 0)).isEqualTo("AVERAGE/1");
    assertThat(chooseIn(day, NOW - 86_400, Consolidation.AVERAGE, STEP))
        .as("a day with both ends included: 1,440 finished steps and the one in progress").isEqualTo("AVERAGE/1");
    assertThat(chooseIn(day, NOW - 86_400 - 60, Consolidation.AVERAGE, STEP)).isEqualTo("AVERAGE/5");
    assertThat(chooseIn(day, NOW - 86_400 + 60, Consolidation.AVERAGE, 300)).as("an explicit resolution still wins")
        .isEqualTo("AVERAGE/5");
    assertThat(chooseIn(ArchiveLayout.openFalcon(), NOW - 86_400 + 60, Consolidation.AVERAGE, STEP))
        .isEqualTo("AVERAGE/5");
  }

  @Test
  void layoutsAreImmutableValuesOfTheirRawLength() {
    ArchiveLayout day = ArchiveLayout.withRawRows(1_440);
    assertThat(day.rawRows()).isEqualTo(1_440);
    assertThat(day.raw().rows()).isEqualTo(1_440);
    assertThat(day.archives()).hasSize(13);
    assertThat(day.cellsPerSeries()).isEqualTo(8_496 + 720);
    assertThat(day.fullSeriesBytes()).as("2,880 bytes more than Open-Falcon's").isEqualTo(37_088);
    assertThat(ArchiveLayout.openFalcon().fullSeriesBytes()).isEqualTo(34_208);
    assertThat(day.fingerprint()).isNotEqualTo(ArchiveLayout.openFalcon().fingerprint());
    assertThat(ArchiveLayout.withRawRows(720)).isSameAs(ArchiveLayout.openFalcon());
    assertThat(ArchiveLayout.withRawRows(1_440).fingerprint()).isEqualTo(day.fingerprint());
  }

  @Test
  void openFalconsFingerprintIsTheOneEarlierBuildsWrote() {
    assertThat(ArchiveLayout.openFalcon().fingerprint()).as("segments of earlier builds must still open")
        .isEqualTo(OLD_FINGERPRINT);
  }

  /** What the static layout of the builds before graph.rawRows stored (computed with that build's formula). */
  static final int OLD_FINGERPRINT = -59_479_304;
}
