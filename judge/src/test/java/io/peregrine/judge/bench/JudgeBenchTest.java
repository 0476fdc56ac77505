package io.peregrine.judge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The bench measures what it says: every measured sample judged, the PROBLEM/OK pairs it schedules counted. */
class JudgeBenchTest {
  @Test
  void smallRunInProcessAndOverGrpc() throws Exception {
    for (boolean grpc : new boolean[] {false, true}) {
      // 20 hosts x 10 series, fire period 10: rounds 5..24 measured, each series fires PROBLEM + OK twice
      JudgeBench.Report r = new JudgeBench().run(new JudgeBench.Options(20, 100, 200, 2, 64, 25, 5, 10, grpc));
      assertThat(r.series()).isEqualTo(200);
      assertThat(r.strategies()).isEqualTo(100);
      assertThat(r.samples()).isEqualTo(200L * 20);
      assertThat(r.events()).as(grpc ? "grpc" : "in-process").isEqualTo(200L * 4);
      assertThat(r.describe()).contains("samples/s");
    }
    assertThatThrownBy(() -> new JudgeBench.Options(1, 1, 1, 1, 20_000, 10, 3, 10, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
