package io.peregrine.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class SampleCounterTest {
  @Test
  void countsEverySampleFieldOfTheEncoding() throws IOException {
    SampleBatch.Builder b = SampleBatch.newBuilder();
    for (int i = 0; i < 300; i++) { // lengths past one varint byte, and an empty sample
      b.addSamples(i == 7 ? Sample.getDefaultInstance()
          : Sample.newBuilder().setEndpoint("host-" + i).setMetric("m".repeat(i)).setValue(i).build());
    }
    assertThat(SampleCounter.count(b.build().toByteArray())).isEqualTo(300);
    assertThat(SampleCounter.count(new byte[0])).isZero();
  }

  @Test
  void refusesBytesThatAreNotASampleBatch() {
    byte[] cut = SampleBatch.newBuilder().addSamples(Sample.newBuilder().setEndpoint("host").build()).build()
        .toByteArray();
    byte[] truncated = java.util.Arrays.copyOf(cut, cut.length - 1);
    assertThatThrownBy(() -> SampleCounter.count(truncated)).isInstanceOf(IOException.class);
  }
}
