package io.peregrine.judge.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DedupTest {
  private static final long MIN = 300;

  @Test
  void firstProblemIsStepOne() {
    Dedup.Decision d = Dedup.decide(null, true, 3, 100, 1000, MIN);
    assertThat(d.status()).isEqualTo("PROBLEM");
    assertThat(d.currentStep()).isEqualTo(1);
    Dedup.Decision afterOk = Dedup.decide(new LastEvent(false, 1, 900), true, 3, 950, 1000, MIN);
    assertThat(afterOk.currentStep()).isEqualTo(1);
  }

  @Test
  void maxStepZeroNeverSends() {
    assertThat(Dedup.decide(null, true, 0, 100, 1000, MIN)).isNull();
  }

  @Test
  void repeatsWithStepPlusOneOnlyWhenAllConditionsHold() {
    LastEvent last = new LastEvent(true, 1, 1000);
    Dedup.Decision d = Dedup.decide(last, true, 3, 1060, 1300, MIN);
    assertThat(d.status()).isEqualTo("PROBLEM");
    assertThat(d.currentStep()).isEqualTo(2);
  }

  @Test
  void noRepeatOnceMaxStepIsReached() {
    assertThat(Dedup.decide(new LastEvent(true, 3, 1000), true, 3, 2000, 5000, MIN)).isNull();
  }

  @Test
  void noRepeatFromPointsThatAlreadyRaisedTheLastEvent() {
    assertThat(Dedup.decide(new LastEvent(true, 1, 1000), true, 3, 1000, 5000, MIN)).isNull();
  }

  @Test
  void noRepeatWithinTheMinimumIntervalOfTheJudgeClock() {
    assertThat(Dedup.decide(new LastEvent(true, 1, 1000), true, 3, 1060, 1299, MIN)).isNull();
    assertThat(Dedup.decide(new LastEvent(true, 1, 1000), true, 3, 1060, 1300, MIN)).isNotNull();
  }

  @Test
  void recoveryAfterProblemSendsOkStepOneAndOtherwiseNothing() {
    Dedup.Decision ok = Dedup.decide(new LastEvent(true, 2, 1000), false, 3, 1060, 1100, MIN);
    assertThat(ok.status()).isEqualTo("OK");
    assertThat(ok.currentStep()).isEqualTo(1);
    assertThat(Dedup.decide(new LastEvent(false, 1, 1000), false, 3, 1060, 1100, MIN)).isNull();
    assertThat(Dedup.decide(null, false, 3, 1060, 1100, MIN)).isNull();
  }
}
