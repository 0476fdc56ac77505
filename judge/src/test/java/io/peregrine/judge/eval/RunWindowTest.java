package io.peregrine.judge.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.common.time.ManualClock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RunWindowTest {
  private static ManualClock at(int hour, int minute) {
    return new ManualClock(LocalDateTime.of(2026, 11, 22, hour, minute, 30).toEpochSecond(ZoneOffset.UTC));
  }

  @Test
  void emptyOrEqualEndsMeanAlways() {
    assertThat(RunWindow.parse("", "").always()).isTrue();
    assertThat(RunWindow.parse(null, null).always()).isTrue();
    assertThat(RunWindow.parse("00:00", "00:00").always()).isTrue();
    assertThat(RunWindow.parse("", "").isActive(at(3, 0))).isTrue();
  }

  @Test
  void dayWindowIncludesBothEndMinutes() {
    RunWindow w = RunWindow.parse("09:00", "18:00");
    assertThat(w.isActive(at(8, 59))).isFalse();
    assertThat(w.isActive(at(9, 0))).isTrue();
    assertThat(w.isActive(at(18, 0))).isTrue();
    assertThat(w.isActive(at(18, 1))).isFalse();
  }

  @Test
  void windowWrapsPastMidnight() {
    RunWindow w = RunWindow.parse("22:00", "6:00");
    assertThat(w.isActive(at(23, 30))).isTrue();
    assertThat(w.isActive(at(0, 10))).isTrue();
    assertThat(w.isActive(at(6, 0))).isTrue();
    assertThat(w.isActive(at(6, 1))).isFalse();
    assertThat(w.isActive(at(12, 0))).isFalse();
    assertThat(w.toString()).isEqualTo("22:00-06:00");
  }

  @Test
  void refusesHalfAWindowAndBadTimes() {
    assertThatThrownBy(() -> RunWindow.parse("09:00", "")).hasMessageContaining("both");
    assertThatThrownBy(() -> RunWindow.parse("25:00", "10:00")).hasMessageContaining("run_begin '25:00'");
    assertThatThrownBy(() -> RunWindow.parse("09:00", "noon")).hasMessageContaining("run_end 'noon'");
  }
}
