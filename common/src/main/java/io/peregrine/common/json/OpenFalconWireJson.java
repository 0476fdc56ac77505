package io.peregrine.common.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.peregrine.common.model.CounterTypes;
import io.peregrine.common.model.RejectSink;
import io.peregrine.common.model.Tags;
import io.peregrine.common.model.WireSampleValidator;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link OpenFalconJson}'s format, rules and answers, read straight into {@code Sample} wire bytes: no
 * {@code Sample} object and no {@code String} per field on the common path. Each item's fields are taken from the
 * parser's character buffer, encoded as a {@code Sample} message and checked by {@link WireSampleValidator} (whose
 * slow path is {@link io.peregrine.common.model.SampleValidator}, so refusals carry the same codes and reasons).
 * Accepted samples go to a {@link SampleSink} as they are read; the caller commits them only when the whole body
 * parsed (broken JSON refuses the body as a whole, as in {@link OpenFalconJson}).
 *
 * <p>Not thread-safe: one instance per thread (it keeps scratch buffers).
 */
public final class OpenFalconWireJson {
  /** Receives each accepted sample's (normalised) encoding and its series hash; the bytes are only valid during the call. */
  @FunctionalInterface
  public interface SampleSink {
    void accept(long seriesHash, byte[] bytes, int offset, int length);
  }

  /** What a body held: its item count and the refused items (the others went to the sink). */
  public record Result(int total, List<Reject> rejects) {
    public int accepted() {
      return total - rejects.size();
    }
  }

  private final WireSampleValidator validator;
  private final WireSampleValidator.Accepted accepted = new WireSampleValidator.Accepted();
  private final Text endpoint = new Text();
  private final Text metric = new Text();
  private final Text tags = new Text();
  private final OpenFalconJson.Problem problem = new OpenFalconJson.Problem();
  private byte[] sample = new byte[1024];
  private List<Reject> rejects;
  private final RejectSink toRejects = (i, c, reason) -> rejects.add(OpenFalconJson.reject(i, c, reason));

  public OpenFalconWireJson(Clock clock) {
    this.validator = new WireSampleValidator(clock);
  }

  /**
   * Reads {@code body[offset, offset + length)}.
   *
   * @throws MalformedBatchException when the body is not a JSON array of samples, or breaks a limit (nothing of it
   *     should be taken, though the sink may have seen some samples)
   */
  public Result read(byte[] body, int offset, int length, SampleSink sink) throws MalformedBatchException {
    List<Reject> list = new ArrayList<>();
    rejects = list;
    int total;
    try {
      total = OpenFalconJson.readItems(OpenFalconJson.JSON.createParser(body, offset, length),
          (p, index) -> readItem(p, index, sink), list);
    } catch (IOException e) {
      throw new MalformedBatchException("could not read the body: " + e.getMessage(), false, e);
    } finally {
      rejects = null;
    }
    return new Result(total, list);
  }

  private void readItem(JsonParser p, int index, SampleSink sink) throws IOException {
    OpenFalconJson.Problem problem = this.problem;
    problem.code = null;
    problem.reason = null;
    endpoint.clear();
    metric.clear();
    tags.clear();
    double value = 0;
    long timestamp = 0;
    int step = 0;
    CounterType type = CounterType.COUNTER_TYPE_UNSPECIFIED;
    String counterType = null;
    boolean hasType = false;
    boolean hasValue = false;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "endpoint" -> string(p, v, "endpoint", RejectCode.MISSING_FIELD, problem, endpoint);
        case "metric" -> string(p, v, "metric", RejectCode.MISSING_FIELD, problem, metric);
        case "tags" -> {
          if (v == JsonToken.START_OBJECT) {
            String text = OpenFalconJson.tagsObject(p, problem);
            if (text != null) {
              tags.set(text);
            }
          } else {
            string(p, v, "tags", RejectCode.BAD_TAGS, problem, tags);
          }
        }
        case "value" -> {
          hasValue = true;
          if (v == JsonToken.VALUE_NUMBER_FLOAT) {
            value = Decimals.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          } else if (v == JsonToken.VALUE_NUMBER_INT) {
            // Jackson would make a String here; an integer's text is a decimal too ("-0" is an integer zero)
            value = Decimals.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()) + 0.0;
          } else if (v == JsonToken.VALUE_STRING) {
            try {
              value = Double.parseDouble(p.getText().trim());
            } catch (NumberFormatException e) {
              problem.set(RejectCode.BAD_VALUE, "value '" + Tags.printable(p.getText()) + "' is not a number");
            }
          } else {
            problem.set(RejectCode.BAD_VALUE, "value is " + v + ", not a number");
            p.skipChildren();
          }
        }
        case "timestamp" -> timestamp = OpenFalconJson.integer(p, v);
        case "step" -> {
          long s = OpenFalconJson.integer(p, v);
          step = s > Integer.MAX_VALUE || s < Integer.MIN_VALUE ? -1 : (int) s;
        }
        case "counterType" -> {
          hasType = true;
          if (v == JsonToken.VALUE_STRING && (type = knownType(p)) != CounterType.COUNTER_TYPE_UNSPECIFIED) {
            break; // the common spellings, without a String
          }
          Text text = new Text();
          string(p, v, "counterType", RejectCode.BAD_COUNTER_TYPE, problem, text);
          counterType = text.toString();
          type = CounterTypes.parse(counterType);
        }
        default -> p.skipChildren();
      }
    }
    if (problem.code == null && !hasValue) {
      problem.set(RejectCode.BAD_VALUE, "value is missing");
    }
    if (problem.code == null && type == CounterType.COUNTER_TYPE_UNSPECIFIED) {
      problem.set(RejectCode.BAD_COUNTER_TYPE, hasType ? "counterType must be GAUGE, COUNTER or DERIVE, got '"
          + Tags.printable(counterType) + "'" : "counterType is missing: GAUGE, COUNTER or DERIVE");
    }
    if (problem.code != null) {
      rejects.add(OpenFalconJson.reject(index, problem.code, problem.reason));
      return;
    }
    int size = encode(value, timestamp, step, type.getNumber());
    if (validator.normalise(sample, 0, size, index, toRejects, accepted)) {
      sink.accept(accepted.hash, accepted.bytes, accepted.offset, accepted.length);
    }
  }

  /** GAUGE, COUNTER or DERIVE exactly as written; anything else (other case, unknown) is left to the slow path. */
  private static CounterType knownType(JsonParser p) throws IOException {
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    int len = p.getTextLength();
    if (is(c, off, len, "GAUGE")) {
      return CounterType.GAUGE;
    }
    if (is(c, off, len, "COUNTER")) {
      return CounterType.COUNTER;
    }
    return is(c, off, len, "DERIVE") ? CounterType.DERIVE : CounterType.COUNTER_TYPE_UNSPECIFIED;
  }

  private static boolean is(char[] c, int off, int len, String word) {
    if (len != word.length()) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (c[off + i] != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** As {@link OpenFalconJson}'s string fields: a JSON string (null = empty), anything else a problem. */
  private static void string(JsonParser p, JsonToken v, String field, RejectCode code,
      OpenFalconJson.Problem problem, Text into) throws IOException {
    into.clear();
    if (v == JsonToken.VALUE_NULL) {
      return;
    }
    if (v != JsonToken.VALUE_STRING) {
      problem.set(code, field + " must be a JSON string, got " + OpenFalconJson.describe(v));
      p.skipChildren();
      return;
    }
    int bad = into.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    if (bad >= 0) {
      problem.set(RejectCode.BAD_CHARACTER, field + " contains an unpaired UTF-16 surrogate "
          + String.format("U+%04X", (int) into.badChar) + " at position " + bad);
    }
  }

  /** The fields as a {@code Sample} message, in field order, defaults left out (as protobuf's own writer does). */
  private int encode(double value, long timestamp, int step, int type) {
    int need = 3 * 6 + endpoint.len + metric.len + tags.len + 9 + 11 + 11 + 6;
    if (sample.length < need) {
      sample = new byte[Math.max(need, sample.length * 2)];
    }
    int p = 0;
    p = endpoint.write(sample, p, 10);
    p = metric.write(sample, p, 18);
    p = tags.write(sample, p, 26);
    long bits = Double.doubleToRawLongBits(value);
    if (bits != 0) {
      sample[p++] = 33;
      for (int i = 0; i < 8; i++) {
        sample[p++] = (byte) (bits >>> (8 * i));
      }
    }
    if (timestamp != 0) {
      sample[p++] = 40;
      p = varint(sample, p, timestamp);
    }
    if (step != 0) {
      sample[p++] = 48;
      p = varint(sample, p, step); // int32: negative values are sign-extended to ten bytes
    }
    if (type != 0) {
      sample[p++] = 56;
      p = varint(sample, p, type);
    }
    return p;
  }

  static int varint(byte[] b, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      b[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  /** One string field as UTF-8, reused across items. */
  static final class Text {
    byte[] utf8 = new byte[256];
    int len;
    char badChar;

    void clear() {
      len = 0;
    }

    void set(String s) {
      set(s.toCharArray(), 0, s.length());
    }

    /** Encodes the characters; returns the position of the first unpaired surrogate, or -1. */
    int set(char[] c, int off, int n) {
      if (utf8.length < n * 3) {
        utf8 = new byte[Math.max(n * 3, utf8.length * 2)];
      }
      int p = 0;
      for (int i = 0; i < n; i++) {
        char ch = c[off + i];
        if (ch < 0x80) {
          utf8[p++] = (byte) ch;
        } else if (ch < 0x800) {
          utf8[p++] = (byte) (0xC0 | (ch >> 6));
          utf8[p++] = (byte) (0x80 | (ch & 0x3F));
        } else if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(c[off + i + 1])) {
          int cp = Character.toCodePoint(ch, c[off + ++i]);
          utf8[p++] = (byte) (0xF0 | (cp >> 18));
          utf8[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          utf8[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          utf8[p++] = (byte) (0x80 | (cp & 0x3F));
        } else if (Character.isSurrogate(ch)) {
          len = 0;
          badChar = ch;
          return i;
        } else {
          utf8[p++] = (byte) (0xE0 | (ch >> 12));
          utf8[p++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
          utf8[p++] = (byte) (0x80 | (ch & 0x3F));
        }
      }
      len = p;
      return -1;
    }

    int write(byte[] b, int p, int tag) {
      if (len == 0) {
        return p;
      }
      b[p++] = (byte) tag;
      p = varint(b, p, len);
      System.arraycopy(utf8, 0, b, p, len);
      return p + len;
    }

    @Override
    public String toString() {
      return new String(utf8, 0, len, java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
