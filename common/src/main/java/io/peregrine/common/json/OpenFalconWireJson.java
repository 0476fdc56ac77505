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
 * <p>A body is first read by {@link FastWireJson}, a byte-level reader of the plain Open-Falcon shape; whatever it
 * does not handle (escapes, non-ASCII text, unusual numbers, unknown or repeated fields, broken JSON) is read again
 * from the start on the Jackson path below, so both answer every body the same way.
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
  private final SampleEncoding encoding = new SampleEncoding();
  private final SampleEncoding.Text endpoint = encoding.endpoint;
  private final SampleEncoding.Text metric = encoding.metric;
  private final SampleEncoding.Text tags = encoding.tags;
  private final FastWireJson fast;
  private final OpenFalconJson.Problem problem = new OpenFalconJson.Problem();
  private List<Reject> rejects;
  private final RejectSink toRejects = (i, c, reason) -> rejects.add(OpenFalconJson.reject(i, c, reason));

  public OpenFalconWireJson(Clock clock) {
    this.validator = new WireSampleValidator(clock);
    this.fast = new FastWireJson(clock, validator, encoding);
  }

  /**
   * Reads {@code body[offset, offset + length)}.
   *
   * @throws MalformedBatchException when the body is not a JSON array of samples, or breaks a limit (nothing of it
   *     should be taken, though the sink may have seen some samples)
   */
  public Result read(byte[] body, int offset, int length, SampleSink sink) throws MalformedBatchException {
    Result fast = this.fast.read(body, offset, length, sink);
    return fast != null ? fast : readWithJackson(body, offset, length, sink);
  }

  /** The Jackson path alone: what {@link #read} falls back to for anything the byte-level reader leaves to it. */
  Result readWithJackson(byte[] body, int offset, int length, SampleSink sink) throws MalformedBatchException {
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
          SampleEncoding.Text text = new SampleEncoding.Text();
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
    int size = encoding.encode(value, timestamp, step, type.getNumber());
    if (validator.normalise(encoding.sample, 0, size, index, toRejects, accepted)) {
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
      OpenFalconJson.Problem problem, SampleEncoding.Text into) throws IOException {
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

}
