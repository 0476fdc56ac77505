package io.peregrine.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Runs every case of {@link SampleValidatorTest} through the byte-level validator: the sample is encoded, validated
 * on its bytes, and the result decoded again. "The same instance" there means "the input bytes, untouched" here.
 * Each accepted sample's series hash must equal {@link SeriesKey#hash(Sample)} of the normalised sample.
 */
class WireSampleValidatorTest extends SampleValidatorTest {
  private final WireSampleValidator wire =
      new WireSampleValidator(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  @Override
  Sample normalise(Sample s) {
    byte[] in = s.toByteArray();
    byte[] framed = new byte[in.length + 6];
    System.arraycopy(in, 0, framed, 3, in.length); // at an offset, as inside a batch
    WireSampleValidator.Accepted out = new WireSampleValidator.Accepted();
    boolean ok = wire.normalise(framed, 3, in.length, 7, (i, code, reason) ->
        rejects.add(Reject.newBuilder().setIndex(i).setCode(code).setReason(reason).build()), out);
    if (!ok) {
      return null;
    }
    Sample result;
    try {
      result = Sample.parseFrom(Arrays.copyOfRange(out.bytes, out.offset, out.offset + out.length));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("the validator produced bytes that are not a Sample", e);
    }
    assertThat(out.hash).as("series hash from bytes").isEqualTo(SeriesKey.hash(result));
    if (out.unchanged) {
      assertThat(out.bytes).isSameAs(framed);
      return s;
    }
    return result;
  }

  @Test
  void refusesInvalidUtf8InOneSampleAsBadCharacter() {
    byte[] good = TestSamples.gauge("host1", "cpu.idle", "", 1, NOW).toByteArray();
    byte[] bad = good.clone();
    bad[2] = (byte) 0xC3; // "host1": 'h' becomes the lead byte of a two-byte sequence followed by 'o'
    WireSampleValidator.Accepted out = new WireSampleValidator.Accepted();
    boolean ok = wire.normalise(bad, 0, bad.length, 3, (i, code, reason) ->
        rejects.add(Reject.newBuilder().setIndex(i).setCode(code).setReason(reason).build()), out);
    assertThat(ok).isFalse();
    assertThat(rejects).singleElement().satisfies(r -> {
      assertThat(r.getCode()).isEqualTo(RejectCode.BAD_CHARACTER);
      assertThat(r.getIndex()).isEqualTo(3);
      assertThat(r.getReason()).contains("UTF-8");
    });
  }

  @Test
  void refusesTruncatedBytesWithoutThrowing() {
    byte[] good = TestSamples.gauge("host1", "cpu.idle", "a=b", 1, NOW).toByteArray();
    WireSampleValidator.Accepted out = new WireSampleValidator.Accepted();
    boolean ok = wire.normalise(good, 0, 5, 0, (i, code, reason) ->
        rejects.add(Reject.newBuilder().setIndex(i).setCode(code).setReason(reason).build()), out);
    assertThat(ok).isFalse();
    assertThat(rejects).singleElement().satisfies(r -> assertThat(r.getReason()).contains("not a valid protobuf"));
  }

  @Test
  void hashesNonAsciiSeriesLikeTheStringHash() {
    Sample s = TestSamples.gauge("hôst-東京", "cpu.idle", "zone=ü", 1, NOW);
    assertThat(normalise(s)).isNotNull(); // the hash assertion inside normalise is the test
    assertThat(rejects).isEmpty();
  }
}
