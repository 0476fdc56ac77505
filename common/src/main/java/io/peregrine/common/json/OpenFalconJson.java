package io.peregrine.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.peregrine.common.model.CounterTypes;
import io.peregrine.common.model.Limits;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.common.model.Tags;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Open-Falcon's push format: a JSON array of {@code {endpoint, metric, timestamp, step, value, counterType,
 * tags}}. Streaming (no tree per item). The whole body is decoded before anything is accepted, so broken JSON refuses
 * the batch as a whole, while a bad item only refuses itself. Beyond Open-Falcon it also takes tags as a JSON object,
 * a value as a numeric string (as Open-Falcon's transfer does), and a single object instead of an array.
 */
public final class OpenFalconJson {
  static final int MAX_STRING = 64 * 1024;
  static final int MAX_DEPTH = 8;
  static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING).maxNestingDepth(MAX_DEPTH)
          .build())
      .build();

  private final SampleValidator validator;

  public OpenFalconJson(SampleValidator validator) {
    this.validator = validator;
  }

  public ParsedBatch parse(InputStream body) throws MalformedBatchException {
    List<Sample> samples = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    int total;
    try {
      total = readItems(JSON.createParser(body), (p, index) -> {
        if (readItem(p, index, samples, rejects)) {
          positions.add(index);
        }
      }, rejects);
    } catch (IOException e) {
      throw new MalformedBatchException("could not read the body: " + e.getMessage(), false, e);
    }
    return new ParsedBatch(samples, positions.stream().mapToInt(Integer::intValue).toArray(), rejects, total);
  }

  /** Reads one item; the parser stands on its START_OBJECT. Refusals go to the caller's reject list. */
  interface ItemReader {
    void read(JsonParser p, int index) throws IOException;
  }

  /**
   * The walk over the array (or the single object) and the answers to broken JSON, shared by both readers: a
   * non-object item is refused by itself, broken JSON or a broken limit refuses the body. Closes the parser.
   *
   * @return how many items the body had
   */
  static int readItems(JsonParser parser, ItemReader items, List<Reject> rejects) throws MalformedBatchException {
    int index = 0;
    try (JsonParser p = parser) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new MalformedBatchException("body is blank: expected a JSON array of samples", false, null);
      }
      boolean array = first == JsonToken.START_ARRAY;
      if (!array && first != JsonToken.START_OBJECT) {
        throw new MalformedBatchException("expected a JSON array of samples, found " + first, false, null);
      }
      JsonToken t = array ? p.nextToken() : first;
      while (t != null && t != JsonToken.END_ARRAY) {
        if (index >= Limits.MAX_BATCH_SAMPLES) {
          throw new MalformedBatchException("batch has more than " + Limits.MAX_BATCH_SAMPLES
              + " samples: split it", true, null);
        }
        if (t != JsonToken.START_OBJECT) {
          rejects.add(reject(index, RejectCode.MISSING_FIELD, "item is " + t + ", not a JSON object"));
          p.skipChildren();
        } else {
          items.read(p, index);
        }
        index++;
        if (!array) {
          break;
        }
        t = p.nextToken();
      }
      if (array && t == null) {
        throw new MalformedBatchException("JSON array is not closed", false, null);
      }
      rejectTrailing(p, array);
    } catch (StreamConstraintsException e) {
      throw new MalformedBatchException("the body breaks a JSON limit (strings at most " + MAX_STRING
          + " characters, nesting at most " + MAX_DEPTH + " levels): " + e.getOriginalMessage(), true, e);
    } catch (JsonEOFException e) {
      // Jackson's own text here quotes a redacted source location; say plainly what is wrong
      throw new MalformedBatchException("malformed JSON: the body ends" + where(e)
          + " with an array or object not closed", false, e);
    } catch (JsonProcessingException e) {
      throw new MalformedBatchException("malformed JSON: " + e.getOriginalMessage() + where(e), false, e);
    } catch (IOException e) {
      throw new MalformedBatchException("could not read the body: " + e.getMessage(), false, e);
    }
    return index;
  }

  /** Only whitespace may follow the array (or the single object): anything else means the body is not what it seems. */
  static void rejectTrailing(JsonParser p, boolean array) throws MalformedBatchException, IOException {
    JsonToken after;
    try {
      after = p.nextToken();
    } catch (StreamConstraintsException e) {
      throw e;
    } catch (JsonProcessingException e) {
      throw new MalformedBatchException("unexpected content after the JSON " + (array ? "array" : "object")
          + where(e) + ": " + e.getOriginalMessage(), false, e);
    }
    if (after != null) {
      throw new MalformedBatchException("unexpected content after the JSON " + (array ? "array" : "object")
          + where(p) + ": send one JSON array of samples per request", false, null);
    }
  }

  static String where(JsonProcessingException e) {
    JsonLocation l = e.getLocation();
    return l == null ? "" : " at line " + l.getLineNr() + " column " + l.getColumnNr();
  }

  static String where(JsonParser p) {
    JsonLocation l = p.currentLocation();
    return l == null ? "" : " at line " + l.getLineNr() + " column " + l.getColumnNr();
  }

  /** @return true when the item was accepted */
  private boolean readItem(JsonParser p, int index, List<Sample> samples, List<Reject> rejects) throws IOException {
    Sample.Builder b = Sample.newBuilder();
    Problem problem = new Problem();
    String counterType = null;
    boolean hasType = false;
    boolean hasValue = false;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "endpoint" -> b.setEndpoint(string(p, v, "endpoint", RejectCode.MISSING_FIELD, problem));
        case "metric" -> b.setMetric(string(p, v, "metric", RejectCode.MISSING_FIELD, problem));
        case "tags" -> {
          if (v == JsonToken.START_OBJECT) {
            String tags = tagsObject(p, problem);
            if (tags != null) {
              b.setTags(tags);
            }
          } else {
            b.setTags(string(p, v, "tags", RejectCode.BAD_TAGS, problem));
          }
        }
        case "value" -> {
          hasValue = true;
          if (v.isNumeric()) {
            b.setValue(p.getDoubleValue());
          } else if (v == JsonToken.VALUE_STRING) {
            try {
              b.setValue(Double.parseDouble(p.getText().trim()));
            } catch (NumberFormatException e) {
              problem.set(RejectCode.BAD_VALUE, "value '" + Tags.printable(p.getText()) + "' is not a number");
            }
          } else {
            problem.set(RejectCode.BAD_VALUE, "value is " + v + ", not a number");
            p.skipChildren();
          }
        }
        case "timestamp" -> b.setTimestamp(integer(p, v));
        case "step" -> {
          long step = integer(p, v);
          b.setStep(step > Integer.MAX_VALUE || step < Integer.MIN_VALUE ? -1 : (int) step);
        }
        case "counterType" -> {
          hasType = true;
          counterType = string(p, v, "counterType", RejectCode.BAD_COUNTER_TYPE, problem);
          b.setCounterType(CounterTypes.parse(counterType));
        }
        default -> p.skipChildren();
      }
    }
    if (problem.code == null && !hasValue) {
      // as Open-Falcon's transfer: no value is invalid, not a zero that was never measured
      problem.set(RejectCode.BAD_VALUE, "value is missing");
    }
    if (problem.code == null && b.getCounterType() == CounterType.COUNTER_TYPE_UNSPECIFIED) {
      problem.set(RejectCode.BAD_COUNTER_TYPE, hasType ? "counterType must be GAUGE, COUNTER or DERIVE, got '"
          + Tags.printable(counterType) + "'" : "counterType is missing: GAUGE, COUNTER or DERIVE");
    }
    if (problem.code != null) {
      rejects.add(reject(index, problem.code, problem.reason));
      return false;
    }
    Sample s = validator.normalise(b.build(), index, (i, c, reason) -> rejects.add(reject(i, c, reason)));
    if (s != null) {
      samples.add(s);
    }
    return s != null;
  }

  /** Tags given as a JSON object ({@code {"k":"v"}}); the parser stands on its START_OBJECT. Null after a problem. */
  static String tagsObject(JsonParser p, Problem problem) throws IOException {
    Map<String, String> map = new LinkedHashMap<>();
    for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
      String key = p.currentName();
      JsonToken tv = p.nextToken();
      if (tv == JsonToken.VALUE_NULL) {
        map.put(key, "");
      } else if (tv == JsonToken.VALUE_STRING || tv.isNumeric()) {
        map.put(key, p.getText()); // "port": 80 is a natural tag; true or [..] is not
      } else {
        problem.set(RejectCode.BAD_TAGS, "tag '" + Tags.printable(key)
            + "' must have a string or number value, got " + describe(tv));
        p.skipChildren();
      }
    }
    for (Map.Entry<String, String> e : map.entrySet()) {
      surrogates("tag key", e.getKey(), problem);
      surrogates("tag value", e.getValue(), problem);
    }
    if (problem.code != null) {
      return null;
    }
    try {
      return Tags.fromMap(map);
    } catch (Tags.InvalidTagsException e) {
      problem.set(e.code(), "tags: " + e.getMessage());
      return null;
    }
  }

  /** The first thing wrong with an item: later findings do not overwrite it. */
  static final class Problem {
    RejectCode code;
    String reason;

    void set(RejectCode c, String r) {
      if (code == null) {
        code = c;
        reason = r;
      }
    }
  }

  /**
   * A field that must be a JSON string (null counts as empty). Anything else is refused, not coerced: {@code true}
   * is not an endpoint called "true".
   */
  private static String string(JsonParser p, JsonToken v, String field, RejectCode code, Problem problem)
      throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return "";
    }
    if (v != JsonToken.VALUE_STRING) {
      problem.set(code, field + " must be a JSON string, got " + describe(v));
      p.skipChildren();
      return "";
    }
    String text = p.getText();
    surrogates(field, text, problem);
    return text;
  }

  /** JSON's \\u escapes (and lax UTF-8 decoding) can produce half a UTF-16 pair, which no UTF-8 text can carry. */
  static void surrogates(String field, String text, Problem problem) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        problem.set(RejectCode.BAD_CHARACTER, field + " contains an unpaired UTF-16 surrogate "
            + String.format("U+%04X", (int) c) + " at position " + i);
        return;
      }
    }
  }

  static String describe(JsonToken t) {
    return switch (t) {
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NULL -> "null";
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_STRING -> "a string";
      default -> String.valueOf(t);
    };
  }

  private static String text(JsonParser p, JsonToken v) throws IOException {
    if (v.isStructStart()) {
      p.skipChildren();
      return "";
    }
    return v == JsonToken.VALUE_NULL ? "" : p.getText();
  }

  /** Integers may arrive as numbers, numeric strings or floats (Open-Falcon clients send all three). */
  static long integer(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    if (v == JsonToken.VALUE_NUMBER_FLOAT) {
      return (long) p.getDoubleValue();
    }
    if (v == JsonToken.VALUE_STRING) {
      try {
        return (long) Double.parseDouble(p.getText().trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    if (v.isStructStart()) {
      p.skipChildren();
    }
    return v == JsonToken.VALUE_NULL ? 0 : -1;
  }

  public static Reject reject(int index, RejectCode code, String reason) {
    return Reject.newBuilder().setIndex(index).setCode(code).setReason(reason).build();
  }
}
