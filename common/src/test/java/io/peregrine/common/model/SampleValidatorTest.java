package io.peregrine.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SampleValidatorTest {
  static final long NOW = 1_700_000_000L;
  private static final int INDEX = 7;

  private final SampleValidator validator =
      new SampleValidator(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
  final List<Reject> rejects = new ArrayList<>();

  private static Sample valid() {
    return TestSamples.gauge("host1", "cpu.idle", "core=a,cpu=0", 12.5, NOW - 60);
  }

  /** Overridden by the wire validator's test, which runs this same suite on the byte-level rules. */
  Sample normalise(Sample s) {
    return validator.normalise(s, INDEX, (i, code, reason) ->
        rejects.add(Reject.newBuilder().setIndex(i).setCode(code).setReason(reason).build()));
  }

  /** Asserts exactly one reject for {@link #INDEX} with this code, and returns its reason. */
  private String rejectedWith(Sample s, RejectCode code) {
    assertThat(normalise(s)).isNull();
    assertThat(rejects).hasSize(1);
    Reject r = rejects.get(0);
    assertThat(r.getIndex()).isEqualTo(INDEX);
    assertThat(r.getCode()).isEqualTo(code);
    return r.getReason();
  }

  private Sample accepted(Sample s) {
    Sample out = normalise(s);
    assertThat(rejects).isEmpty();
    assertThat(out).isNotNull();
    return out;
  }

  // --- endpoint and metric ---

  @Test
  void returnsAnAlreadyCanonicalSampleAsTheSameInstance() {
    Sample s = valid();
    assertThat(normalise(s)).isSameAs(s);
    assertThat(rejects).isEmpty();
  }

  @Test
  void rejectsEmptyEndpoint() {
    String reason = rejectedWith(valid().toBuilder().setEndpoint("").build(), RejectCode.MISSING_FIELD);
    assertThat(reason).contains("endpoint").contains("empty");
  }

  @Test
  void rejectsEmptyMetric() {
    String reason = rejectedWith(valid().toBuilder().setMetric("").build(), RejectCode.MISSING_FIELD);
    assertThat(reason).contains("metric").contains("empty");
  }

  @Test
  void acceptsEndpointAndMetricOf255Characters() {
    Sample s = valid().toBuilder().setEndpoint("e".repeat(255)).setMetric("m".repeat(255)).setTags("").build();
    assertThat(accepted(s)).isSameAs(s);
  }

  @Test
  void rejectsEndpointOf256Characters() {
    String reason = rejectedWith(valid().toBuilder().setEndpoint("e".repeat(256)).build(), RejectCode.TOO_LONG);
    assertThat(reason).contains("endpoint").contains("256").contains("255");
  }

  @Test
  void rejectsMetricOf256Characters() {
    String reason = rejectedWith(valid().toBuilder().setMetric("m".repeat(256)).build(), RejectCode.TOO_LONG);
    assertThat(reason).contains("metric").contains("256").contains("255");
  }

  @Test
  void rejectsControlCharacterInEndpoint() {
    String reason = rejectedWith(valid().toBuilder().setEndpoint("host\n1").build(), RejectCode.BAD_CHARACTER);
    assertThat(reason).contains("endpoint").contains("host?1").contains("U+000A").contains("position 4");
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu\tidle", "cpu\u0000idle", "cpu\u007fidle", "cpu\u0085idle"})
  void rejectsControlCharacterInMetric(String metric) {
    String reason = rejectedWith(valid().toBuilder().setMetric(metric).build(), RejectCode.BAD_CHARACTER);
    assertThat(reason).startsWith("metric").contains("cpu?idle").contains("position 3");
  }

  @Test
  void acceptsNonAsciiAndPunctuationInNames() {
    Sample s = valid().toBuilder().setEndpoint("主机-01.example.com").setMetric("disk.io.avgqu-sz").build();
    assertThat(accepted(s)).isSameAs(s);
  }

  // --- tags ---

  @Test
  void acceptsThirtyTwoTags() {
    Sample s = valid().toBuilder().setTags(tags(32)).build();
    assertThat(accepted(s).getTags()).isEqualTo(tags(32));
  }

  @Test
  void rejectsThirtyThreeTags() {
    String reason = rejectedWith(valid().toBuilder().setTags(tags(33)).build(), RejectCode.BAD_TAGS);
    assertThat(reason).startsWith("tags").contains("32");
  }

  @Test
  void rejectsEqualsSignInTagValue() {
    String reason = rejectedWith(valid().toBuilder().setTags("k=a=b").build(), RejectCode.BAD_CHARACTER);
    assertThat(reason).startsWith("tags").contains("tag value 'a=b'").contains("'='");
  }

  @Test
  void rejectsTagItemWithoutEqualsSign() {
    // a comma inside a value splits it: "k=a,b" leaves an item "b" with no key
    String reason = rejectedWith(valid().toBuilder().setTags("k=a,b").build(), RejectCode.BAD_TAGS);
    assertThat(reason).contains("'b'").contains("no '='");
  }

  @Test
  void rejectsControlCharacterInTagKey() {
    String reason = rejectedWith(valid().toBuilder().setTags("de\u0001v=sda").build(), RejectCode.BAD_CHARACTER);
    assertThat(reason).contains("tag key 'de?v'").contains("U+0001");
  }

  @Test
  void rejectsControlCharacterInTagValue() {
    String reason = rejectedWith(valid().toBuilder().setTags("dev=sd\u001ba").build(), RejectCode.BAD_CHARACTER);
    assertThat(reason).contains("tag value 'sd?a'").contains("U+001B");
  }

  @Test
  void rejectsEmptyTagKey() {
    String reason = rejectedWith(valid().toBuilder().setTags("=sda").build(), RejectCode.BAD_TAGS);
    assertThat(reason).contains("'sda'").contains("empty key");
  }

  @Test
  void normalisesTagsToSortedCanonicalForm() {
    Sample s = valid().toBuilder().setTags(" mount = /data , fstype=ext4,").build();
    Sample out = accepted(s);
    assertThat(out).isNotSameAs(s);
    assertThat(out.getTags()).isEqualTo("fstype=ext4,mount=/data");
    assertThat(out.toBuilder().setTags(s.getTags()).build()).isEqualTo(s);
  }

  @Test
  void acceptsMetricPlusTagsOfExactly510Characters() {
    String metric = "m".repeat(255);
    String tags = "k=" + "v".repeat(253);
    assertThat(accepted(valid().toBuilder().setMetric(metric).setTags(tags).build()).getTags()).isEqualTo(tags);
  }

  @Test
  void rejectsMetricPlusTagsOf511Characters() {
    Sample s = valid().toBuilder().setMetric("m".repeat(255)).setTags("k=" + "v".repeat(254)).build();
    String reason = rejectedWith(s, RejectCode.TOO_LONG);
    assertThat(reason).contains("metric plus tags").contains("511").contains("510");
  }

  @Test
  void measuresMetricPlusTagsOnTheCanonicalTags() {
    // 255 + 258 raw characters, but the canonical tags drop the padding: 255 + 255 = 510
    String tags = "  k=" + "v".repeat(253) + " ";
    Sample out = accepted(valid().toBuilder().setMetric("m".repeat(255)).setTags(tags).build());
    assertThat(out.getTags()).hasSize(255);
  }

  // --- value ---

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void rejectsNonFiniteValue(double value) {
    String reason = rejectedWith(valid().toBuilder().setValue(value).build(), RejectCode.BAD_VALUE);
    assertThat(reason).contains("value " + value).contains("finite");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.0, -1e300, Double.MAX_VALUE, Double.MIN_VALUE})
  void acceptsAnyFiniteValue(double value) {
    assertThat(accepted(valid().toBuilder().setValue(value).build()).getValue()).isEqualTo(value);
  }

  // --- step ---

  @ParameterizedTest
  @ValueSource(ints = {1, 60, 86_400})
  void acceptsStepWithinOneSecondToOneDay(int step) {
    assertThat(accepted(valid().toBuilder().setStep(step).build()).getStep()).isEqualTo(step);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -60, 86_401, Integer.MAX_VALUE})
  void rejectsStepOutsideOneSecondToOneDay(int step) {
    String reason = rejectedWith(valid().toBuilder().setStep(step).build(), RejectCode.BAD_STEP);
    assertThat(reason).contains("step " + step).contains("1..86400");
  }

  // --- counter type ---

  @ParameterizedTest
  @EnumSource(value = CounterType.class, names = {"GAUGE", "COUNTER", "DERIVE"})
  void acceptsGaugeCounterAndDerive(CounterType type) {
    assertThat(accepted(valid().toBuilder().setCounterType(type).build()).getCounterType()).isEqualTo(type);
  }

  @Test
  void rejectsUnspecifiedCounterType() {
    Sample s = valid().toBuilder().setCounterType(CounterType.COUNTER_TYPE_UNSPECIFIED).build();
    String reason = rejectedWith(s, RejectCode.BAD_COUNTER_TYPE);
    assertThat(reason).contains("counterType").contains("COUNTER_TYPE_UNSPECIFIED");
  }

  @Test
  void rejectsCounterTypeCodeUnknownToThisVersion() {
    String reason = rejectedWith(valid().toBuilder().setCounterTypeValue(42).build(), RejectCode.BAD_COUNTER_TYPE);
    assertThat(reason).contains("counterType").contains("code 42");
  }

  // --- timestamp ---

  @Test
  void replacesZeroTimestampWithNow() {
    assertThat(accepted(valid().toBuilder().setTimestamp(0).build()).getTimestamp()).isEqualTo(NOW);
  }

  @Test
  void acceptsTimestampExactlyTenMinutesAhead() {
    Sample s = valid().toBuilder().setTimestamp(NOW + 600).build();
    assertThat(accepted(s)).isSameAs(s);
  }

  @Test
  void rejectsTimestampMoreThanTenMinutesAhead() {
    String reason = rejectedWith(valid().toBuilder().setTimestamp(NOW + 601).build(), RejectCode.BAD_TIMESTAMP);
    assertThat(reason).contains("timestamp " + (NOW + 601)).contains("601 s in the future").contains("600");
  }

  @Test
  void convertsThirteenDigitMillisecondsToSeconds() {
    Sample out = accepted(valid().toBuilder().setTimestamp(NOW * 1000 + 999).build());
    assertThat(out.getTimestamp()).isEqualTo(NOW);
  }

  @Test
  void rejectsMillisecondTimestampMoreThanTenMinutesAhead() {
    String reason = rejectedWith(valid().toBuilder().setTimestamp((NOW + 601) * 1000).build(),
        RejectCode.BAD_TIMESTAMP);
    assertThat(reason).contains("timestamp " + (NOW + 601));
  }

  @Test
  void keepsOldTimestampsInSeconds() {
    // the largest ten-digit value is still seconds (year 2286), not milliseconds
    assertThat(accepted(valid().toBuilder().setTimestamp(1).build()).getTimestamp()).isEqualTo(1);
    Clock farFuture = Clock.fixed(Instant.ofEpochSecond(9_999_999_999L), ZoneOffset.UTC);
    Sample s = valid().toBuilder().setTimestamp(9_999_999_999L).build();
    assertThat(new SampleValidator(farFuture).normalise(s, 0, (i, c, r) -> rejects.add(null))).isSameAs(s);
  }

  @Test
  void rejectsNegativeTimestamp() {
    String reason = rejectedWith(valid().toBuilder().setTimestamp(-1).build(), RejectCode.BAD_TIMESTAMP);
    assertThat(reason).contains("timestamp -1").contains("negative");
  }

  @Test
  void leavesTheInputSampleUnchangedWhenNormalising() {
    Sample s = valid().toBuilder().setTags("b=2,a=1").setTimestamp(0).build();
    Sample out = accepted(s);
    assertThat(out.getTags()).isEqualTo("a=1,b=2");
    assertThat(out.getTimestamp()).isEqualTo(NOW);
    assertThat(s.getTags()).isEqualTo("b=2,a=1");
    assertThat(s.getTimestamp()).isZero();
  }

  private static String tags(int n) {
    StringJoiner j = new StringJoiner(",");
    for (int i = 0; i < n; i++) {
      j.add(String.format("k%02d=v%d", i, i));
    }
    return j.toString();
  }
}
