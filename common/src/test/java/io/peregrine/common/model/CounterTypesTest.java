package io.peregrine.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.proto.v1.CounterType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CounterTypesTest {

  @ParameterizedTest
  @CsvSource({"GAUGE, GAUGE", "gauge, GAUGE", "Counter, COUNTER", "derive, DERIVE", "histogram, COUNTER_TYPE_UNSPECIFIED",
      "'', COUNTER_TYPE_UNSPECIFIED", "' GAUGE', COUNTER_TYPE_UNSPECIFIED"})
  void parsesOpenFalconNamesInAnyCase(String name, CounterType type) {
    assertThat(CounterTypes.parse(name)).isEqualTo(type);
  }

  @Test
  void treatsAMissingNameAsUnspecified() {
    assertThat(CounterTypes.parse(null)).isEqualTo(CounterType.COUNTER_TYPE_UNSPECIFIED);
  }

  @Test
  void onlyCounterAndDeriveAreRates() {
    assertThat(CounterTypes.isRate(CounterType.COUNTER)).isTrue();
    assertThat(CounterTypes.isRate(CounterType.DERIVE)).isTrue();
    assertThat(CounterTypes.isRate(CounterType.GAUGE)).isFalse();
    assertThat(CounterTypes.isRate(CounterType.COUNTER_TYPE_UNSPECIFIED)).isFalse();
  }
}
