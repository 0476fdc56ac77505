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
 * Runs a body through every reader, {@link OpenFalconJson}, {@link OpenFalconWireJson}'s Jackson path alone and
 * {@link OpenFalconWireJson#read} (the byte-level {@link FastWireJson}, falling back to the Jackson path), asserts
 * they agree (the same refusal of the body, or the same samples, rejects and total, and the wire readers' series
 * hashes), and returns the first one's answer: every test written against the object reader also checks both wire
 * paths.
 */
final class BothReaders {
  private final OpenFalconJson objects;
  private final OpenFalconWireJson wire;

  BothReaders(Clock clock) {
    this.objects = new OpenFalconJson(new SampleValidator(clock));
    this.wire = new OpenFalconWireJson(clock);
  }

  /** How one wire path reads a body. */
  private interface WirePath {
    OpenFalconWireJson.Result read(byte[] body, int offset, int length, OpenFalconWireJson.SampleSink sink)
        throws MalformedBatchException;
  }

  ParsedBatch parse(byte[] body) throws MalformedBatchException {
    ParsedBatch expected = check(body, wire::readWithJackson);
    check(body, wire::read);
    return expected;
  }

  private ParsedBatch check(byte[] body, WirePath path) throws MalformedBatchException {
    ParsedBatch expected;
    try {
      expected = objects.parse(new ByteArrayInputStream(body));
    } catch (MalformedBatchException e) {
      MalformedBatchException other = null;
      try {
        path.read(padded(body), 3, body.length, (h, b, o, l) -> { });
      } catch (MalformedBatchException w) {
        other = w;
      }
      assertThat(other).as("the wire reader refuses the body too").isNotNull();
      assertThat(other.getMessage()).isEqualTo(e.getMessage());
      assertThat(other.tooLarge()).isEqualTo(e.tooLarge());
      throw e;
    }
    List<Sample> samples = new ArrayList<>();
    OpenFalconWireJson.Result r = path.read(padded(body), 3, body.length, (hash, b, off, len) -> {
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
