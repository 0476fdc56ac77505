package io.peregrine.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChecksTest {

  @Test
  void positiveNamesTheFieldAndTheValue() {
    assertThat(Checks.positive("graph.workers", 1)).isEqualTo(1);
    assertThatThrownBy(() -> Checks.positive("graph.workers", 0)).hasMessage("graph.workers must be positive: 0");
  }

  @Test
  void inRangeIncludesBothEnds() {
    assertThat(Checks.inRange("p", 0, 0, 6)).isZero();
    assertThat(Checks.inRange("p", 6, 0, 6)).isEqualTo(6);
    assertThatThrownBy(() -> Checks.inRange("p", 7, 0, 6)).hasMessage("p must be within 0..6: 7");
  }

  @Test
  void positiveDurationRefusesZeroNegativeAndNull() {
    assertThat(Checks.positive("t", Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
    assertThatThrownBy(() -> Checks.positive("t", Duration.ZERO)).hasMessageContaining("t must be a positive duration");
    assertThatThrownBy(() -> Checks.positive("t", Duration.ofSeconds(-1))).hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> Checks.positive("t", (Duration) null)).hasMessageContaining("null");
  }

  @Test
  void notBlankRefusesNullAndWhitespace() {
    assertThat(Checks.notBlank("s", "x")).isEqualTo("x");
    assertThatThrownBy(() -> Checks.notBlank("s", null)).hasMessage("s must not be empty");
    assertThatThrownBy(() -> Checks.notBlank("s", " \t")).hasMessage("s must not be empty");
  }

  @Test
  void addressesChecksEveryItemAndRefusesNull() {
    assertThat(Checks.addresses("nodes", List.of("a:1", "[::1]:2"))).hasSize(2);
    assertThat(Checks.addresses("nodes", List.of())).isEmpty();
    assertThatThrownBy(() -> Checks.addresses("nodes", List.of("a:1", "b"))).hasMessageContaining("nodes")
        .hasMessageContaining("'b'");
    assertThatThrownBy(() -> Checks.addresses("nodes", null)).hasMessageContaining("nodes must be a list");
  }
}
