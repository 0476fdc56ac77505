package io.peregrine.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Each class of bad input gets a clear refusal: never an exception escaping, never a silent coercion. */
class OpenFalconJsonBadInputTest {
  private static final long NOW = 1_700_000_000L;
  private static final String BASE = "\"timestamp\":1699999940,\"step\":60,\"value\":1,\"counterType\":\"GAUGE\"";
  // both readers, checked against each other on every body
  private final BothReaders json = new BothReaders(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  private ParsedBatch parse(byte[] body) throws MalformedBatchException {
    return json.parse(body);
  }

  private ParsedBatch parse(String body) throws MalformedBatchException {
    return parse(body.getBytes(StandardCharsets.UTF_8));
  }

  private Reject rejectOf(String fields) throws MalformedBatchException {
    ParsedBatch b = parse("[{" + fields + "}]");
    assertThat(b.samples()).isEmpty();
    assertThat(b.rejects()).hasSize(1);
    return b.rejects().get(0);
  }

  @Test
  void aStringLongerThanTheLimitIsRefusedAsTooLargeNotAServerError() {
    String body = "[{\"endpoint\":\"" + "e".repeat(70_000) + "\"," + BASE + ",\"metric\":\"m\"}]";
    assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(MalformedBatchException.class,
        e -> assertThat(e.tooLarge()).isTrue()).hasMessageContaining("string").hasMessageContaining("65536");
  }

  @Test
  void nestingDeeperThanTheLimitIsRefusedClearly() {
    String body = "[{\"endpoint\":\"h\",\"metric\":\"m\"," + BASE + ",\"x\":" + "[".repeat(50) + "]".repeat(50)
        + "}]";
    assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(MalformedBatchException.class,
        e -> assertThat(e.tooLarge()).isTrue()).hasMessageContaining("nest");
  }

  @ParameterizedTest
  @ValueSource(strings = {"] x", "]]", "][]", "] {}", "] ,"})
  void trailingContentAfterTheArrayRefusesTheBody(String tail) {
    String body = "[{\"endpoint\":\"h\",\"metric\":\"m\"," + BASE + "}" + tail;
    assertThatThrownBy(() -> parse(body)).isInstanceOf(MalformedBatchException.class)
        .hasMessageContaining("after the JSON");
  }

  @Test
  void trailingContentAfterASingleObjectRefusesTheBody() {
    assertThatThrownBy(() -> parse("{\"endpoint\":\"h\",\"metric\":\"m\"," + BASE + "} {\"a\":1}"))
        .isInstanceOf(MalformedBatchException.class).hasMessageContaining("after the JSON");
  }

  @Test
  void trailingWhitespaceIsFine() throws Exception {
    assertThat(parse("[{\"endpoint\":\"h\",\"metric\":\"m\"," + BASE + "}]\r\n \t").samples()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h\\uD800", "\\uDC00h", "a\\uD800\\u0041"})
  void anUnpairedSurrogateInANameRejectsTheItem(String endpoint) throws Exception {
    Reject r = rejectOf("\"endpoint\":\"" + endpoint + "\",\"metric\":\"m\"," + BASE);
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_CHARACTER);
    assertThat(r.getReason()).contains("surrogate");
  }

  @Test
  void anUnpairedSurrogateInATagRejectsTheItem() throws Exception {
    Reject r = rejectOf("\"endpoint\":\"h\",\"metric\":\"m\",\"tags\":\"k=\\uDBFF\"," + BASE);
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_CHARACTER);
  }

  @Test
  void aPairedSurrogateIsFine() throws Exception {
    assertThat(parse("[{\"endpoint\":\"h\\uD83D\\uDE00\",\"metric\":\"m\"," + BASE + "}]").samples()).hasSize(1);
  }

  @Test
  void invalidUtf8RefusesTheBodyAsMalformed() throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write("[{\"endpoint\":\"h".getBytes(StandardCharsets.UTF_8));
    body.write(new byte[] {(byte) 0xC3, (byte) 0x28}); // a lead byte followed by '('
    body.write(("\",\"metric\":\"m\"," + BASE + "}]").getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> parse(body.toByteArray())).isInstanceOfSatisfying(MalformedBatchException.class,
        e -> assertThat(e.tooLarge()).isFalse()).hasMessageContaining("UTF-8");
  }

  @Test
  void aSurrogateEncodedAsUtf8RejectsTheItem() throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write("[{\"endpoint\":\"h".getBytes(StandardCharsets.UTF_8));
    body.write(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // U+D800 encoded as UTF-8 (CESU-style)
    body.write(("\",\"metric\":\"m\"," + BASE + "}]").getBytes(StandardCharsets.UTF_8));
    ParsedBatch b = parse(body.toByteArray());
    assertThat(b.samples()).isEmpty();
    assertThat(b.rejects()).singleElement().extracting(Reject::getCode).isEqualTo(RejectCode.BAD_CHARACTER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "false", "[\"h\"]", "{\"a\":1}", "12"})
  void aNonStringEndpointRejectsTheItemInsteadOfBeingCoerced(String value) throws Exception {
    Reject r = rejectOf("\"endpoint\":" + value + ",\"metric\":\"m\"," + BASE);
    assertThat(r.getCode()).isEqualTo(RejectCode.MISSING_FIELD);
    assertThat(r.getReason()).contains("endpoint").contains("must be a JSON string");
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "[\"cpu\"]"})
  void aNonStringMetricRejectsTheItem(String value) throws Exception {
    Reject r = rejectOf("\"endpoint\":\"h\",\"metric\":" + value + "," + BASE);
    assertThat(r.getReason()).contains("metric").contains("must be a JSON string");
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "[\"a=b\"]", "3"})
  void nonStringTagsRejectTheItem(String value) throws Exception {
    Reject r = rejectOf("\"endpoint\":\"h\",\"metric\":\"m\",\"tags\":" + value + "," + BASE);
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_TAGS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "false", "[1]", "{\"x\":1}"})
  void aTagValueInATagsObjectMustBeAStringOrANumber(String value) throws Exception {
    Reject r = rejectOf("\"endpoint\":\"h\",\"metric\":\"m\",\"tags\":{\"a\":" + value + "}," + BASE);
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_TAGS);
    assertThat(r.getReason()).contains("'a'");
  }

  @Test
  void aNonStringCounterTypeRejectsTheItem() throws Exception {
    Reject r = rejectOf("\"endpoint\":\"h\",\"metric\":\"m\",\"timestamp\":1699999940,\"step\":60,\"value\":1,"
        + "\"counterType\":true");
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_COUNTER_TYPE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=b\\u0000", "a=\\u0000b", "\\u0000a=b", "a=b,\\u0000c=d", "a=b\\u0000,c=d"})
  void aNulInTagTextRejectsTheItem(String tags) throws Exception {
    Reject r = rejectOf("\"endpoint\":\"h\",\"metric\":\"m\",\"tags\":\"" + tags + "\"," + BASE);
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_CHARACTER);
  }

  @Test
  void aNulInATagsObjectValueRejectsTheItem() throws Exception {
    Reject r = rejectOf("\"endpoint\":\"h\",\"metric\":\"m\",\"tags\":{\"a\":\"b\\u0000\"}," + BASE);
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_CHARACTER);
  }

  @Test
  void aNulInANameRejectsTheItem() throws Exception {
    Reject r = rejectOf("\"endpoint\":\"h\\u0000\",\"metric\":\"m\"," + BASE);
    assertThat(r.getCode()).isEqualTo(RejectCode.BAD_CHARACTER);
  }
}
