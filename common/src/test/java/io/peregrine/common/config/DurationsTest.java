package io.peregrine.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
      "500ms, PT0.5S",
      "10s, PT10S",
      "5m, PT5M",
      "1h, PT1H",
      "2d, PT48H",
      "0s, PT0S",
      "' 10s ', PT10S",
      "10 s, PT10S",
      "PT1M30S, PT1M30S",
      "P1D, PT24H",
      "pt15s, PT15S"})
  void parsesShortAndIsoForms(String text, String iso) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "soon", "10", "10x", "1.5s", "-5s", "10S", "5 minutes", "ms"})
  void rejectsGarbageNamingTheTextAndTheAcceptedForms(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'").hasMessageContaining("500ms, 10s, 5m, 1h or 2d");
  }

  @ParameterizedTest
  @CsvSource({
      "PT0.5S, 500ms",
      "PT1.5S, 1500ms",
      "PT10S, 10s",
      "PT90S, 90s",
      "PT5M, 5m",
      "PT1H, 1h",
      "PT48H, 48h",
      "PT0S, 0s"})
  void formatsInTheLargestExactUnit(String iso, String text) {
    assertThat(Durations.format(Duration.parse(iso))).isEqualTo(text);
    assertThat(Durations.parse(Durations.format(Duration.parse(iso)))).isEqualTo(Duration.parse(iso));
  }
}
