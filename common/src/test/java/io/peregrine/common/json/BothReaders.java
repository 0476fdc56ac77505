package io.peregrine.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.proto.v1.Sample;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a body through both readers, {@link OpenFalconJson} and {@link OpenFalconWireJson}, asserts they agree (the
 * same refusal of the body, or the same samples, rejects and total, and the wire reader's series hashes), and
 * returns the first one's answer: every test written against the object reader also checks the wire reader.
 */
final class BothReaders {
  private final OpenFalconJson objects;
  private final OpenFalconWireJson wire;

  BothReaders(Clock clock) {
    this.objects = new OpenFalconJson(new SampleValidator(clock));
    this.wire = new OpenFalconWireJson(clock);
  }

  ParsedBatch parse(byte[] body) throws MalformedBatchException {
    ParsedBatch expected;
    try {
      expected = objects.parse(new ByteArrayInputStream(body));
    } catch (MalformedBatchException e) {
      MalformedBatchException other = null;
      try {
        wire.read(padded(body), 3, body.length, (h, b, o, l) -> { });
      } catch (MalformedBatchException w) {
        other = w;
      }
      assertThat(other).as("the wire reader refuses the body too").isNotNull();
      assertThat(other.getMessage()).isEqualTo(e.getMessage());
      assertThat(other.tooLarge()).isEqualTo(e.tooLarge());
      throw e;
    }
    List<Sample> samples = new ArrayList<>();
    OpenFalconWireJson.Result r = wire.read(padded(body), 3, body.length, (hash, b, off, len) -> {
      Sample s;
      try {
        s = Sample.parseFrom(Arrays.copyOfRange(b, off, off + len));
      } catch (InvalidProtocolBufferException ex) {
        throw new AssertionError("the wire reader emitted bytes that are not a Sample", ex);
      }
      assertThat(hash).isEqualTo(SeriesKey.hash(s));
      samples.add(s);
    });
    assertThat(samples).isEqualTo(expected.samples());
    assertThat(r.rejects()).isEqualTo(expected.rejects());
    assertThat(r.total()).isEqualTo(expected.total());
    assertThat(r.accepted()).isEqualTo(expected.samples().size());
    return expected;
  }

  /** The body at offset 3 of a larger array, so offsets are honoured. */
  private static byte[] padded(byte[] body) {
    byte[] out = new byte[body.length + 6];
    Arrays.fill(out, (byte) '#');
    System.arraycopy(body, 0, out, 3, body.length);
    return out;
  }
}
