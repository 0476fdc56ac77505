package io.peregrine.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlertQueuesTest {

  @Test
  void namesQueuesAsOpenFalconDoes() {
    for (int p = 0; p <= 6; p++) {
      assertThat(AlertQueues.name("", p)).isEqualTo("event:p" + p);
    }
  }

  @Test
  void putsTheKeyPrefixInFront() {
    assertThat(AlertQueues.name("staging:", 3)).isEqualTo("staging:event:p3");
  }

  @ParameterizedTest
  @CsvSource({"-5, 0", "-1, 0", "0, 0", "3, 3", "6, 6", "7, 6", "2147483647, 6", "-2147483648, 0"})
  void clampsPrioritiesToTheNearestQueue(int priority, int queue) {
    assertThat(AlertQueues.clamp(priority)).isEqualTo(queue);
    assertThat(AlertQueues.name("", priority)).isEqualTo("event:p" + queue);
  }
}
