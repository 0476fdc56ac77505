package io.peregrine.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireSamplesTest {
  private static Sample sample(String metric, String tags, double value, long ts) {
    return Sample.newBuilder().setEndpoint("host-1").setMetric(metric).setTags(tags).setValue(value)
        .setTimestamp(ts).setStep(10).setCounterType(CounterType.COUNTER).build();
  }

  private static List<Sample> many(int n) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(sample("m" + (i % 7), "i=" + i + ",k=" + "x".repeat(i % 300), i * 0.5, 1_700_000_000L + i));
    }
    return out;
  }

  @Test
  void theBytesAreASampleBatchOfTheRecordsInOrder() throws Exception {
    List<Sample> samples = many(500);
    WireSamples w = new WireSamples(16, 2); // grows from tiny arrays
    samples.forEach(w::append);
    assertThat(w.size()).isEqualTo(500);
    assertThat(SampleBatch.parseFrom(java.util.Arrays.copyOf(w.array(), w.byteLength())).getSamplesList())
        .isEqualTo(samples);
    assertThat(w.toSamples()).isEqualTo(samples);
    assertThat(w.byteLength()).isEqualTo(SampleBatch.newBuilder().addAllSamples(samples).build()
        .getSerializedSize());
  }

  @Test
  void rangesAndTruncationKeepRecordsAndKeys() {
    WireSamples w = WireSamples.of(many(10));
    WireSamples copy = new WireSamples();
    copy.appendRange(w, 3, 8);
    assertThat(copy.toSamples()).isEqualTo(w.toSamples().subList(3, 8));
    assertThat(copy.key(0)).isEqualTo(w.key(3));
    assertThat(copy.byteLength()).isEqualTo(w.byteLength(3, 8));
    copy.truncate(2);
    assertThat(copy.toSamples()).isEqualTo(w.toSamples().subList(3, 5));
    copy.append(w.toSamples().get(9));
    assertThat(copy.toSamples()).containsExactly(w.sample(3), w.sample(4), w.sample(9));
    copy.clear();
    assertThat(copy.isEmpty()).isTrue();
    assertThat(copy.byteLength()).isZero();
  }

  @Test
  void theSeriesKeyIsTheSeriesWhateverTheValueTimeOrFieldOrder() throws Exception {
    Sample a = sample("cpu.idle", "core=1", 1, 100);
    Sample b = a.toBuilder().setValue(2).setTimestamp(200).setStep(60).setCounterType(CounterType.GAUGE).build();
    WireSamples w = WireSamples.of(List.of(a, b, a.toBuilder().setTags("core=2").build(),
        a.toBuilder().setEndpoint("host-2").build(), a.toBuilder().setMetric("cpu.busy").build()));
    assertThat(w.key(0)).isEqualTo(w.key(1));
    assertThat(List.of(w.key(2), w.key(3), w.key(4))).doesNotContain(w.key(0)).doesNotHaveDuplicates();
    // the same fields written tags first, then metric, then endpoint (a receiver may write any order)
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(3, "core=1");
    out.writeDouble(4, 7);
    out.writeString(2, "cpu.idle");
    out.writeString(1, "host-1");
    out.flush();
    byte[] reordered = bytes.toByteArray();
    WireSamples r = new WireSamples();
    r.append(reordered, 0, reordered.length);
    assertThat(r.key(0)).isEqualTo(w.key(0));
  }

  @Test
  void parseSplitsABatchAndRefusesBrokenFraming() throws Exception {
    List<Sample> samples = many(20);
    byte[] batch = SampleBatch.newBuilder().addAllSamples(samples).build().toByteArray();
    WireSamples parsed = WireSamples.parse(batch, batch.length);
    assertThat(parsed.toSamples()).isEqualTo(samples);
    assertThat(parsed.key(5)).isEqualTo(WireSamples.of(samples).key(5));
    assertThatThrownBy(() -> WireSamples.parse(batch, batch.length - 3))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> WireSamples.parse(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}, 3))
        .isInstanceOf(InvalidProtocolBufferException.class);
    byte[] badField = {0x0A, 0x02, 0x0B, 0x00}; // a record holding a group start (wire type 3)
    assertThatThrownBy(() -> WireSamples.parse(badField, badField.length))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void aSampleObjectAndItsEncodingGetTheSameKeyForAnyText() throws Exception {
    for (String tags : new String[] {"", "k=v", "city=K\u00f6ln,emoji=\ud83d\ude00,jp=\u6771\u4eac", "x=" + "y".repeat(400)}) {
      Sample s = sample("m\u00e9tric", tags, 1, 1);
      WireSamples fromObject = new WireSamples();
      fromObject.append(s);
      byte[] bytes = s.toByteArray();
      WireSamples fromBytes = new WireSamples();
      fromBytes.append(bytes, 0, bytes.length);
      assertThat(fromBytes.key(0)).as(tags).isEqualTo(fromObject.key(0));
    }
  }
}
