package io.peregrine.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenFalconJsonTest {
  private static final long NOW = 1_700_000_000L;

  // both readers, checked against each other on every body
  private final BothReaders json = new BothReaders(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  private ParsedBatch parse(String body) throws MalformedBatchException {
    return json.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  private static String item(int i) {
    return "{\"endpoint\":\"host-" + i + "\",\"metric\":\"cpu.idle\",\"timestamp\":" + (NOW - 60)
        + ",\"step\":60,\"value\":" + i + ".5,\"counterType\":\"GAUGE\",\"tags\":\"cpu=0\"}";
  }

  private static String batch(int size, int badIndex, String badItem) {
    StringJoiner j = new StringJoiner(",", "[", "]");
    for (int i = 0; i < size; i++) {
      j.add(i == badIndex ? badItem : item(i));
    }
    return j.toString();
  }

  private Sample single(String fields) throws MalformedBatchException {
    ParsedBatch b = parse("[{" + fields + "}]");
    assertThat(b.rejects()).isEmpty();
    assertThat(b.samples()).hasSize(1);
    return b.samples().get(0);
  }

  private Reject rejectOf(String fields) throws MalformedBatchException {
    ParsedBatch b = parse("[{" + fields + "}]");
    assertThat(b.samples()).isEmpty();
    assertThat(b.rejects()).hasSize(1);
    assertThat(b.total()).isEqualTo(1);
    return b.rejects().get(0);
  }

  private static final String BASE = "\"endpoint\":\"h\",\"metric\":\"m\",\"timestamp\":1699999940,\"step\":60,";

  @Test
  void readsOpenFalconsPushFormat() throws Exception {
    Sample s = single("\"endpoint\":\"host1\",\"metric\":\"cpu.idle\",\"timestamp\":1699999940,\"step\":60,"
        + "\"value\":12.5,\"counterType\":\"GAUGE\",\"tags\":\"k2=v2,k1=v1\"");
    assertThat(s).isEqualTo(Sample.newBuilder().setEndpoint("host1").setMetric("cpu.idle").setTags("k1=v1,k2=v2")
        .setTimestamp(1_699_999_940L).setStep(60).setValue(12.5).setCounterType(CounterType.GAUGE).build());
  }

  @Test
  void oneBadValueInAThousandRejectsOnlyThatItem() throws Exception {
    String bad = "{\"endpoint\":\"host-x\",\"metric\":\"cpu.idle\",\"timestamp\":0,\"step\":60,\"value\":\"abc\","
        + "\"counterType\":\"GAUGE\",\"tags\":\"\"}";
    ParsedBatch b = parse(batch(1000, 437, bad));
    assertThat(b.total()).isEqualTo(1000);
    assertThat(b.samples()).hasSize(999);
    assertThat(b.rejects()).singleElement().satisfies(r -> {
      assertThat(r.getIndex()).isEqualTo(437);
      assertThat(r.getCode()).isEqualTo(RejectCode.BAD_VALUE);
      assertThat(r.getReason()).contains("value").contains("'abc'");
    });
    assertThat(b.samples()).extracting(Sample::getEndpoint).doesNotContain("host-x").contains("host-436", "host-438");
    assertThat(b.samples().get(437).getValue()).isEqualTo(438.5);
    assertThat(b.indexes()).hasSize(999);
    assertThat(b.indexes()[436]).isEqualTo(436);
    assertThat(b.indexes()[437]).as("position in the request of the sample after the bad one").isEqualTo(438);
  }

  @Test
  void rejectsAMissingValueInsteadOfStoringZero() throws Exception {
    Reject r = rejectOf(BASE + "\"counterType\":\"GAUGE\"");
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_VALUE);
    assertThat(r.getReason()).contains("value is missing");
  }

  @Test
  void rejectsANullValue() throws Exception {
    Reject r = rejectOf(BASE + "\"value\":null,\"counterType\":\"GAUGE\"");
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_VALUE);
  }

  @Test
  void oneZeroStepInAThousandRejectsOnlyThatItem() throws Exception {
    String bad = item(0).replace("\"step\":60", "\"step\":0");
    ParsedBatch b = parse(batch(1000, 0, bad));
    assertThat(b.samples()).hasSize(999);
    assertThat(b.rejects()).singleElement().satisfies(r -> {
      assertThat(r.getIndex()).isZero();
      assertThat(r.getCode()).isEqualTo(RejectCode.BAD_STEP);
      assertThat(r.getReason()).contains("step 0");
    });
  }

  @Test
  void readsAValueGivenAsANumericString() throws Exception {
    assertThat(single(BASE + "\"value\":\" 42.25 \",\"counterType\":\"GAUGE\"").getValue()).isEqualTo(42.25);
  }

  @Test
  void rejectsANonFiniteValueGivenAsAString() throws Exception {
    Reject r = rejectOf(BASE + "\"value\":\"NaN\",\"counterType\":\"GAUGE\"");
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_VALUE);
    assertThat(r.getReason()).contains("NaN");
  }

  @Test
  void rejectsAValueThatIsAnObject() throws Exception {
    Reject r = rejectOf(BASE + "\"value\":{\"v\":1},\"counterType\":\"GAUGE\"");
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_VALUE);
    assertThat(r.getReason()).contains("value is START_OBJECT");
  }

  @Test
  void readsTagsGivenAsAnObject() throws Exception {
    Sample s = single(BASE + "\"value\":1,\"counterType\":\"GAUGE\",\"tags\":{\"port\":80,\"app\":\"api\",\"x\":null}");
    assertThat(s.getTags()).isEqualTo("app=api,port=80,x=");
  }

  @Test
  void rejectsTagsObjectWithAForbiddenCharacter() throws Exception {
    Reject r = rejectOf(BASE + "\"value\":1,\"counterType\":\"GAUGE\",\"tags\":{\"a\":\"x,y\"}");
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_CHARACTER);
    assertThat(r.getReason()).startsWith("tags").contains("'x,y'");
  }

  @Test
  void treatsNullTagsAsNoTags() throws Exception {
    assertThat(single(BASE + "\"value\":1,\"counterType\":\"GAUGE\",\"tags\":null").getTags()).isEmpty();
  }

  @Test
  void readsFloatAndStringTimestampsAndSteps() throws Exception {
    Sample s = single("\"endpoint\":\"h\",\"metric\":\"m\",\"timestamp\":1699999940.9,\"step\":\"30\",\"value\":1,"
        + "\"counterType\":\"GAUGE\"");
    assertThat(s.getTimestamp()).isEqualTo(1_699_999_940L);
    assertThat(s.getStep()).isEqualTo(30);
    assertThat(single("\"endpoint\":\"h\",\"metric\":\"m\",\"timestamp\":\"1699999940\",\"step\":60.0,"
        + "\"value\":1,\"counterType\":\"GAUGE\"").getTimestamp()).isEqualTo(1_699_999_940L);
  }

  @Test
  void convertsMillisecondTimestamps() throws Exception {
    Sample s = single("\"endpoint\":\"h\",\"metric\":\"m\",\"timestamp\":1699999940123,\"step\":60,\"value\":1,"
        + "\"counterType\":\"GAUGE\"");
    assertThat(s.getTimestamp()).isEqualTo(1_699_999_940L);
  }

  @Test
  void rejectsAStepThatIsNotANumber() throws Exception {
    Reject r = rejectOf("\"endpoint\":\"h\",\"metric\":\"m\",\"step\":\"often\",\"value\":1,\"counterType\":\"GAUGE\"");
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_STEP);
  }

  @Test
  void rejectsAStepBeyondTheIntRange() throws Exception {
    Reject r = rejectOf("\"endpoint\":\"h\",\"metric\":\"m\",\"step\":4294967356,\"value\":1,\"counterType\":\"GAUGE\"");
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_STEP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gauge", "Counter", "DERIVE"})
  void readsCounterTypeInAnyCase(String type) throws Exception {
    Sample s = single(BASE + "\"value\":1,\"counterType\":\"" + type + "\"");
    assertThat(s.getCounterType().name()).isEqualTo(type.toUpperCase());
  }

  @Test
  void rejectsAMissingCounterType() throws Exception {
    Reject r = rejectOf(BASE + "\"value\":1");
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_COUNTER_TYPE);
    assertThat(r.getReason()).contains("counterType is missing");
  }

  @Test
  void rejectsAnUnknownCounterTypeNamingIt() throws Exception {
    Reject r = rejectOf(BASE + "\"value\":1,\"counterType\":\"HISTOGRAM\"");
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_COUNTER_TYPE);
    assertThat(r.getReason()).contains("'HISTOGRAM'");
  }

  @Test
  void ignoresUnknownFieldsOfAnyShape() throws Exception {
    Sample s = single(BASE + "\"extra\":{\"nested\":[1,{\"a\":2}]},\"list\":[1,2],\"flag\":true,\"value\":3,"
        + "\"counterType\":\"GAUGE\",\"note\":null");
    assertThat(s.getValue()).isEqualTo(3);
  }

  @Test
  void rejectsAnItemThatIsNotAnObject() throws Exception {
    ParsedBatch b = parse("[" + item(0) + ",42,[1,2]," + item(3) + "]");
    assertThat(b.total()).isEqualTo(4);
    assertThat(b.samples()).extracting(Sample::getEndpoint).containsExactly("host-0", "host-3");
    assertThat(b.rejects()).extracting(Reject::getIndex).containsExactly(1, 2);
    assertThat(b.indexes()).containsExactly(0, 3);
    assertThat(b.rejects().get(0).getReason()).contains("not a JSON object");
  }

  @Test
  void appliesTheSampleValidatorToEachItem() throws Exception {
    Reject r = rejectOf("\"endpoint\":\"\",\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\",\"step\":60");
    assertThat(r.getCode()).isEqualTo(RejectCode.MISSING_FIELD);
    assertThat(r.getReason()).contains("endpoint");
  }

  @Test
  void acceptsASingleObjectInsteadOfAnArray() throws Exception {
    ParsedBatch b = parse(item(5));
    assertThat(b.total()).isEqualTo(1);
    assertThat(b.samples()).singleElement().extracting(Sample::getEndpoint).isEqualTo("host-5");
  }

  @Test
  void acceptsAnEmptyArray() throws Exception {
    ParsedBatch b = parse(" [ ] ");
    assertThat(b.total()).isZero();
    assertThat(b.samples()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n\t "})
  void refusesABlankBody(String body) {
    assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(MalformedBatchException.class,
        e -> assertThat(e.tooLarge()).isFalse()).hasMessageContaining("body is blank");
  }

  @ParameterizedTest
  @ValueSource(strings = {"42", "\"samples\"", "true", "null"})
  void refusesABodyThatIsNotAnArrayOrObject(String body) {
    assertThatThrownBy(() -> parse(body)).isInstanceOf(MalformedBatchException.class)
        .hasMessageContaining("expected a JSON array of samples");
  }

  @Test
  void refusesAnUnclosedArray() {
    assertThatThrownBy(() -> parse("[" + item(0) + "," + item(1))).isInstanceOfSatisfying(
        MalformedBatchException.class, e -> assertThat(e.tooLarge()).isFalse())
        .hasMessageContaining("not closed");
  }

  @Test
  void refusesBrokenJsonSayingWhere() {
    assertThatThrownBy(() -> parse("[" + item(0) + ",\n{\"endpoint\": }]")).isInstanceOf(MalformedBatchException.class)
        .hasMessageContaining("malformed JSON").hasMessageContaining("line 2 column");
  }

  @Test
  void refusesBrokenJsonAfterValidItemsWithoutAcceptingAny() {
    assertThatThrownBy(() -> parse("[" + item(0) + "," + item(1) + ",{\"endpoint\":\"x\",,}]"))
        .isInstanceOf(MalformedBatchException.class);
  }

  @Test
  void acceptsExactlyTenThousandItems() throws Exception {
    ParsedBatch b = parse(batch(10_000, -1, null));
    assertThat(b.samples()).hasSize(10_000);
  }

  @Test
  void refusesMoreThanTenThousandItemsAsTooLarge() {
    assertThatThrownBy(() -> parse(batch(10_001, -1, null))).isInstanceOfSatisfying(MalformedBatchException.class,
        e -> assertThat(e.tooLarge()).isTrue()).hasMessageContaining("more than 10000 samples");
  }
}
