package io.peregrine.sender.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesFromInitialUpToTheCap() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

    assertThat(b.after(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.after(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.after(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(b.after(7)).isEqualTo(Duration.ofMinutes(1));
    assertThat(b.after(1_000)).isEqualTo(Duration.ofMinutes(1));
  }
}
