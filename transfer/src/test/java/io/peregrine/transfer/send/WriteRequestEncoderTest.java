package io.peregrine.transfer.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import io.peregrine.common.testing.TestSamples;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteRequestEncoderTest {
  @Test
  void writesLabelsSortedByNameWithEndpointAndRenamesClashingTags() throws Exception {
    byte[] ts = new WriteRequestEncoder().timeSeries(
        TestSamples.gauge("h1", "cpu.idle", "Zone=x,endpoint=other,z=1", 3.5, 1_700_000_000L));
    CodedInputStream in = CodedInputStream.newInstance(ts);
    List<String> names = new ArrayList<>();
    double value = 0;
    long millis = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      CodedInputStream sub = CodedInputStream.newInstance(in.readByteArray());
      if (tag >>> 3 == 1) {
        sub.readTag();
        names.add(sub.readString());
      } else {
        sub.readTag();
        value = sub.readDouble();
        sub.readTag();
        millis = sub.readInt64();
      }
    }
    assertThat(names).containsExactly("Zone", "__name__", "endpoint", "tag_endpoint", "z");
    assertThat(value).isEqualTo(3.5);
    assertThat(millis).isEqualTo(1_700_000_000_000L);
  }
}
