package io.peregrine.hbs.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.javalin.http.Context;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Request bodies: read within {@link #MAX_BODY_BYTES}, bound by Jackson to a record of the route's own, then checked
 * by Bean Validation (Hibernate Validator) against the record's annotations. The binding is strict: an unknown field
 * is refused (a typo such as {@code maxstep} cannot fall back to a default), a string is not a number, a number is
 * not a string, {@code 1.5} is not a whole number; strings are trimmed and may not hold control characters. Every
 * failure is a 400 naming the field ({@code users[0].name} inside arrays); Bean Validation reports every bad field
 * at once, binding stops at the first value of the wrong type.
 */
final class Bodies {
  /** Admin bodies are small objects; a MiB is far beyond any real one and bounds what a bad client costs. */
  static final int MAX_BODY_BYTES = 1 << 20;
  /** The request's parsed body, kept on the context once read. */
  static final String BODY = "hbs.body";

  private final ObjectMapper json;
  private final Validator validator;

  Bodies() {
    json = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .addModule(new SimpleModule().addDeserializer(String.class, new StrictString())
            .addDeserializer(Boolean.class, new Flag()))
        .build();
    json.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    validator = Validation.byDefaultProvider().configure().messageInterpolator(new ParameterMessageInterpolator())
        .buildValidatorFactory().getValidator();
  }

  ObjectMapper json() {
    return json;
  }

  /** The body bound to {@code type} and validated. */
  <T> T read(Context ctx, Class<T> type) {
    return bind(object(ctx), type);
  }

  /**
   * PATCH: the body's fields laid over {@code current} (the stored entity in its write form, of {@code type}), as
   * JSON Merge Patch does (a null removes the field, so it takes its default), then bound and validated like a PUT.
   */
  <T> T patch(Context ctx, T current, Class<T> type) {
    ObjectNode merged = json.valueToTree(current);
    object(ctx).properties().forEach(e -> {
      if (e.getValue().isNull()) {
        merged.remove(e.getKey());
      } else {
        merged.set(e.getKey(), e.getValue());
      }
    });
    return bind(merged, type);
  }

  /** The body as a JSON object, or 400 / 413. */
  ObjectNode object(Context ctx) {
    byte[] bytes = bytes(ctx);
    JsonNode tree;
    try {
      tree = bytes.length == 0 ? null : json.readTree(bytes);
    } catch (JacksonException e) {
      throw new ApiException(400, "body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ApiException(400, "body could not be read: " + e.getMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new ApiException(400, "body must be a JSON object");
    }
    ctx.attribute(BODY, tree); // the audit log records what was asked for
    return (ObjectNode) tree;
  }

  <T> T bind(ObjectNode node, Class<T> type) {
    T value;
    try {
      value = json.treeToValue(node, type);
    } catch (UnrecognizedPropertyException e) {
      String field = path(e);
      throw new ApiException(400, "unknown field '" + field + "'", List.of(new ApiException.FieldError(field,
          "unknown field '" + field + "'")));
    } catch (BadValue e) {
      throw ApiException.badField(path(e), e.getOriginalMessage());
    } catch (MismatchedInputException e) {
      throw ApiException.badField(path(e), "must be " + describe(e.getTargetType()));
    } catch (JsonMappingException e) {
      throw ApiException.badField(path(e), "cannot be read: " + root(e).getMessage().lines().findFirst().orElse(""));
    } catch (JacksonException e) {
      throw new ApiException(400, "body cannot be read: " + e.getOriginalMessage());
    }
    validate(value);
    return value;
  }

  /** 400 naming every field that breaks its annotations, in the record's field order. */
  void validate(Object value) {
    var violations = validator.validate(value);
    if (violations.isEmpty()) {
      return;
    }
    List<String> order = value.getClass().isRecord()
        ? Arrays.stream(value.getClass().getRecordComponents()).map(c -> c.getName()).toList() : List.of();
    throw ApiException.badFields(violations.stream()
        // Hibernate Validator names list elements "hostnames[0].<list element>"; the client wrote hostnames[0]
        .map(v -> Map.entry(v.getPropertyPath().toString().replaceAll("\\.<[^>]+>", ""), v))
        .sorted(Comparator.<Map.Entry<String, ConstraintViolation<Object>>>comparingInt(e -> {
          int i = order.indexOf(e.getKey().split("[.\\[]", 2)[0]);
          return i < 0 ? Integer.MAX_VALUE : i;
        }).thenComparing(Map.Entry::getKey))
        .map(e -> new ApiException.FieldError(e.getKey(), "field '" + e.getKey() + "' " + e.getValue().getMessage()))
        .toList());
  }

  /** The body's bytes, at most {@link #MAX_BODY_BYTES} (413 beyond). */
  static byte[] bytes(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] b = in.readNBytes(MAX_BODY_BYTES + 1);
      if (b.length > MAX_BODY_BYTES) {
        throw tooLarge();
      }
      return b;
    } catch (IOException e) {
      throw new ApiException(400, "body could not be read: " + e.getMessage());
    }
  }

  private static ApiException tooLarge() {
    return new ApiException(413, "body is larger than " + MAX_BODY_BYTES + " bytes");
  }

  /** {@code users[0].name} from Jackson's path. */
  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.isEmpty() ? "body" : sb.toString();
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    return Collection.class.isAssignableFrom(type) ? "an array" : "an object";
  }

  private static Throwable root(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** A value of the right JSON type that breaks a rule of ours (its message is shown as it is). */
  static final class BadValue extends JsonMappingException {
    BadValue(JsonParser p, String message) {
      super(p, message);
    }
  }

  /** Strings only from JSON strings, trimmed, without control characters. */
  private static final class StrictString extends StdScalarDeserializer<String> {
    StrictString() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        return (String) ctxt.handleUnexpectedToken(String.class, p);
      }
      String s = p.getText().trim();
      for (int i = 0; i < s.length(); i++) {
        if (Character.isISOControl(s.charAt(i))) {
          throw new BadValue(p, "contains a control character at position " + i);
        }
      }
      return s;
    }
  }

  /** true/false, or Open-Falcon's 0/1 flags; nothing else. */
  private static final class Flag extends StdScalarDeserializer<Boolean> {
    Flag() {
      super(Boolean.class);
    }

    @Override
    public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.hasToken(JsonToken.VALUE_TRUE) || p.hasToken(JsonToken.VALUE_FALSE)) {
        return p.getBooleanValue();
      }
      if (p.hasToken(JsonToken.VALUE_NUMBER_INT) && (p.getText().equals("0") || p.getText().equals("1"))) {
        return p.getText().equals("1");
      }
      throw new BadValue(p, "must be true or false");
    }
  }
}
