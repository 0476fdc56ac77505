package io.peregrine.hbs.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A request's JSON object, read field by field. Every problem answers 400 naming the field; a field the handler
 * never read is refused by {@link #finish()}, so a typo ({@code maxstep}) cannot silently fall back to a default.
 */
final class JsonBody {
  private final ObjectNode node;
  private final String path;
  private final Set<String> read = new HashSet<>();

  private JsonBody(ObjectNode node, String path) {
    this.node = node;
    this.path = path;
  }

  static JsonBody parse(ObjectMapper json, byte[] bytes) {
    JsonNode tree;
    try {
      tree = bytes.length == 0 ? null : json.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ApiException(400, null, "body is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new ApiException(400, null, "body could not be read: " + e.getMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new ApiException(400, null, "body must be a JSON object");
    }
    return new JsonBody((ObjectNode) tree, "");
  }

  /** A required string, trimmed, not empty, at most {@code maxLength} characters, no control characters. */
  String text(String field, int maxLength) {
    JsonNode v = get(field);
    if (v == null) {
      throw bad(field, "is required");
    }
    String s = checkText(field, v, maxLength);
    if (s.isEmpty()) {
      throw bad(field, "must not be empty");
    }
    return s;
  }

  /** An optional string, trimmed; {@code fallback} when absent or null. */
  String text(String field, String fallback, int maxLength) {
    JsonNode v = get(field);
    return v == null ? fallback : checkText(field, v, maxLength);
  }

  /** An optional whole number within min..max. */
  long integer(String field, long fallback, long min, long max) {
    JsonNode v = get(field);
    return v == null ? fallback : checkInteger(field, v, min, max);
  }

  /** A required whole number within min..max. */
  long integer(String field, long min, long max) {
    JsonNode v = get(field);
    if (v == null) {
      throw bad(field, "is required");
    }
    return checkInteger(field, v, min, max);
  }

  /** A required finite number, given as a JSON number or a numeric string (Open-Falcon's API sent strings). */
  double number(String field) {
    JsonNode v = get(field);
    if (v == null) {
      throw bad(field, "is required");
    }
    double d;
    if (v.isNumber()) {
      d = v.asDouble();
    } else if (v.isTextual()) {
      try {
        d = Double.parseDouble(v.asText().trim());
      } catch (NumberFormatException e) {
        throw bad(field, "must be a number, got '" + v.asText() + "'");
      }
    } else {
      throw bad(field, "must be a number");
    }
    if (!Double.isFinite(d)) {
      throw bad(field, "must be a finite number");
    }
    return d;
  }

  boolean flag(String field, boolean fallback) {
    JsonNode v = get(field);
    if (v == null) {
      return fallback;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isInt() && (v.asInt() == 0 || v.asInt() == 1)) {
      return v.asInt() == 1; // Open-Falcon's 0/1 flags
    }
    throw bad(field, "must be true or false");
  }

  /** A required array of strings, each checked like {@link #text(String, int)}; at most {@code maxItems}. */
  List<String> texts(String field, int maxLength, int maxItems) {
    JsonNode v = get(field);
    if (v == null || !v.isArray()) {
      throw bad(field, "must be an array of strings");
    }
    if (v.size() > maxItems) {
      throw bad(field, "holds more than " + maxItems + " items");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      String s = checkText(field + "[" + i + "]", v.get(i), maxLength);
      if (s.isEmpty()) {
        throw bad(field + "[" + i + "]", "must not be empty");
      }
      out.add(s);
    }
    return out;
  }

  /** An optional array of objects; each is read like a body of its own and must be finished by the caller. */
  List<JsonBody> objects(String field, int maxItems) {
    JsonNode v = get(field);
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      throw bad(field, "must be an array of objects");
    }
    if (v.size() > maxItems) {
      throw bad(field, "holds more than " + maxItems + " items");
    }
    List<JsonBody> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isObject()) {
        throw bad(field + "[" + i + "]", "must be an object");
      }
      out.add(new JsonBody((ObjectNode) v.get(i), path + field + "[" + i + "]."));
    }
    return out;
  }

  /** Refuses fields nobody read. */
  void finish() {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!read.contains(name)) {
        throw new ApiException(400, path + name, "unknown field '" + path + name + "'");
      }
    }
  }

  private JsonNode get(String field) {
    read.add(field);
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  private String checkText(String field, JsonNode v, int maxLength) {
    if (!v.isTextual()) {
      throw bad(field, "must be a string");
    }
    String s = v.asText().trim();
    if (s.length() > maxLength) {
      throw bad(field, "is longer than " + maxLength + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        throw bad(field, "contains a control character at position " + i);
      }
    }
    return s;
  }

  private long checkInteger(String field, JsonNode v, long min, long max) {
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw bad(field, "must be a whole number");
    }
    long n = v.asLong();
    if (n < min || n > max) {
      throw bad(field, "must be within " + min + ".." + max + ", got " + n);
    }
    return n;
  }

  ApiException bad(String field, String message) {
    return ApiException.badField(path + field, message);
  }
}
