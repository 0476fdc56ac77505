package io.peregrine.common.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff upper = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(60))
      .withRandom(() -> 0.999999);

  @Test
  void ceilingDoublesUpToTheCap() {
    assertThat(upper.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(upper.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(upper.ceiling(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(upper.ceiling(7)).isEqualTo(Duration.ofSeconds(60));
    assertThat(upper.ceiling(1000)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void fullJitterSpansZeroToTheCeiling() {
    Backoff low = upper.withRandom(() -> 0.0);
    Backoff mid = upper.withRandom(() -> 0.5);
    assertThat(low.delay(3)).isZero();
    assertThat(mid.delay(3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(upper.delay(3)).isLessThan(Duration.ofSeconds(4)).isGreaterThan(Duration.ofMillis(3999));
  }

  @Test
  void realRandomStaysWithinTheCeilingAndSpreads() {
    Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10));
    long distinct = java.util.stream.IntStream.range(0, 200).mapToObj(i -> b.delay(5)).distinct().count();
    for (int i = 0; i < 200; i++) {
      assertThat(b.delay(5)).isBetween(Duration.ZERO, Duration.ofMillis(1600));
    }
    assertThat(distinct).isGreaterThan(100);
  }

  @Test
  void brokenRandomSourceNeverLeavesTheRange() {
    assertThat(upper.withRandom(() -> 7).delay(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(upper.withRandom(() -> Double.NaN).delay(2)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void deadlineClipsTheLastWaitThenGivesUp() {
    Backoff b = upper.withDeadline(Duration.ofMinutes(10));
    assertThat(b.next(3, Duration.ofMinutes(1))).contains(upper.delay(3));
    assertThat(b.next(20, Duration.ofSeconds(590))).contains(Duration.ofSeconds(10));
    assertThat(b.next(21, Duration.ofMinutes(10))).isEmpty();
    assertThat(b.next(21, Duration.ofHours(1))).isEmpty();
    assertThat(upper.next(1_000_000, Duration.ofDays(400))).isPresent();
  }

  @Test
  void rejectsImpossibleSettings() {
    assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("initial wait must be positive");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("must not be below the initial");
    assertThatThrownBy(() -> upper.withDeadline(Duration.ofSeconds(-1))).hasMessageContaining("deadline");
  }
}
