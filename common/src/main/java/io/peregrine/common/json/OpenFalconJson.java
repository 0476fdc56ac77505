package io.peregrine.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
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
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 * 1024).maxNestingDepth(8).build())
      .build();

  private final SampleValidator validator;

  public OpenFalconJson(SampleValidator validator) {
    this.validator = validator;
  }

  public ParsedBatch parse(InputStream body) throws MalformedBatchException {
    List<Sample> samples = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    int index = 0;
    try (JsonParser p = JSON.createParser(body)) {
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
          if (readItem(p, index, samples, rejects)) {
            positions.add(index);
          }
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
    } catch (JsonEOFException e) {
      // Jackson's own text here quotes a redacted source location; say plainly what is wrong
      throw new MalformedBatchException("malformed JSON: the body ends at line " + e.getLocation().getLineNr()
          + " column " + e.getLocation().getColumnNr() + " with an array or object not closed", false, e);
    } catch (JsonProcessingException e) {
      throw new MalformedBatchException("malformed JSON: " + e.getOriginalMessage() + " at line "
          + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr(), false, e);
    } catch (IOException e) {
      throw new MalformedBatchException("could not read the body: " + e.getMessage(), false, e);
    }
    return new ParsedBatch(samples, positions.stream().mapToInt(Integer::intValue).toArray(), rejects, index);
  }

  /** @return true when the item was accepted */
  private boolean readItem(JsonParser p, int index, List<Sample> samples, List<Reject> rejects) throws IOException {
    Sample.Builder b = Sample.newBuilder();
    String problem = null;
    RejectCode code = null;
    String counterType = null;
    boolean hasType = false;
    boolean hasValue = false;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "endpoint" -> b.setEndpoint(text(p, v));
        case "metric" -> b.setMetric(text(p, v));
        case "tags" -> {
          if (v == JsonToken.START_OBJECT) {
            Map<String, String> map = new LinkedHashMap<>();
            for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
              String key = p.currentName();
              JsonToken tv = p.nextToken();
              map.put(key, tv == JsonToken.VALUE_NULL ? "" : p.getValueAsString(""));
              if (tv.isStructStart()) {
                p.skipChildren();
              }
            }
            try {
              b.setTags(Tags.fromMap(map));
            } catch (Tags.InvalidTagsException e) {
              problem = "tags: " + e.getMessage();
              code = e.code();
            }
          } else {
            b.setTags(text(p, v));
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
              problem = "value '" + p.getText() + "' is not a number";
              code = RejectCode.BAD_VALUE;
            }
          } else {
            problem = "value is " + v + ", not a number";
            code = RejectCode.BAD_VALUE;
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
          counterType = text(p, v);
          b.setCounterType(CounterTypes.parse(counterType));
        }
        default -> p.skipChildren();
      }
    }
    if (problem == null && !hasValue) {
      // as Open-Falcon's transfer: no value is invalid, not a zero that was never measured
      problem = "value is missing";
      code = RejectCode.BAD_VALUE;
    }
    if (problem == null && b.getCounterType() == CounterType.COUNTER_TYPE_UNSPECIFIED) {
      problem = hasType ? "counterType must be GAUGE, COUNTER or DERIVE, got '" + counterType + "'"
          : "counterType is missing: GAUGE, COUNTER or DERIVE";
      code = RejectCode.BAD_COUNTER_TYPE;
    }
    if (problem != null) {
      rejects.add(reject(index, code, problem));
      return false;
    }
    Sample s = validator.normalise(b.build(), index, (i, c, reason) -> rejects.add(reject(i, c, reason)));
    if (s != null) {
      samples.add(s);
    }
    return s != null;
  }

  private static String text(JsonParser p, JsonToken v) throws IOException {
    if (v.isStructStart()) {
      p.skipChildren();
      return "";
    }
    return v == JsonToken.VALUE_NULL ? "" : p.getText();
  }

  /** Integers may arrive as numbers, numeric strings or floats (Open-Falcon clients send all three). */
  private static long integer(JsonParser p, JsonToken v) throws IOException {
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
