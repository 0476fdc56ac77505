package io.peregrine.common.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ConfigLoader}'s three layers (record defaults, a YAML file, environment variables) and its rules (same
 * environment names, lists as comma-separated values or a JSON array, {@code file:}/{@code env:} secrets, unknown
 * keys and bad values failing with the key, the value and where it came from), without Jackson databind: the file is
 * read with the streaming YAML parser into maps and lists, and records are built through their canonical
 * constructors. For a process that must stay small (the agent, on every node): databind's ~600 classes and the
 * locale data its date format loads stay resident for the life of the process.
 *
 * <p>Binds records whose components are String, int, long, double, boolean (and their boxes), {@link Duration}
 * ({@code 10s}, {@code 500ms}, ISO-8601, or a number of seconds), enums (through a static {@code parse(String)} when
 * the enum has one, else by name in any case), {@code List} of those, nested records, and {@code Object} (a section
 * kept unread, as maps, lists and scalars). Unlike databind, a fractional number for an integer key is refused, not
 * truncated.
 */
public final class RecordBinder {
  private final YAMLFactory yamlFactory = new YAMLFactory();
  private final JsonFactory jsonFactory = new JsonFactory();

  /**
   * @param file the YAML file, or null for defaults and environment only
   * @param env the environment (System.getenv() in production, a map in tests)
   */
  public <T extends Record> T load(Path file, Class<T> type, T defaults, Map<String, String> env) {
    Map<String, Object> tree = tree(defaults);
    Map<String, String> origins = new HashMap<>();
    if (file != null) {
      Object fromFile;
      try (JsonParser p = yamlFactory.createParser(Files.readString(file))) {
        fromFile = p.nextToken() == null ? null : read(p);
      } catch (JsonProcessingException e) {
        throw new ConfigException("config file " + file + " is not valid YAML: " + e.getOriginalMessage(), e);
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + file + ": " + e, e);
      }
      if (fromFile != null) {
        if (!(fromFile instanceof Map<?, ?> m)) {
          throw new ConfigException("config file " + file + " must hold a mapping of sections, found "
              + kind(fromFile));
        }
        merge(tree, cast(m), "", "file " + file, origins);
      }
    }
    applyEnv(tree, "", env, origins);
    resolveSecrets(tree, "", env);
    return type.cast(bindRecord(type, tree, "", tree, origins));
  }

  /** A record as a tree: nested records become maps, every other value is kept as it is. */
  private static Map<String, Object> tree(Record value) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RecordComponent c : value.getClass().getRecordComponents()) {
      Object v = invoke(c.getAccessor(), value);
      out.put(c.getName(), v instanceof Record r ? tree(r) : v);
    }
    return out;
  }

  private static Object invoke(Method accessor, Object target) {
    try {
      accessor.setAccessible(true);
      return accessor.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + accessor, e);
    }
  }

  /** One YAML (or JSON) value from the parser's current token: maps, lists, strings, numbers, booleans, null. */
  private static Object read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          map.put(name, read(p));
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(read(p));
        }
        return list;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return p.getNumberValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> {
        return p.getText(); // embedded objects do not occur in YAML text; keep what the parser says
      }
    }
  }

  private static void merge(Map<String, Object> target, Map<String, Object> source, String prefix, String origin,
      Map<String, String> origins) {
    for (Map.Entry<String, Object> e : source.entrySet()) {
      String key = prefix + e.getKey();
      if (!target.containsKey(e.getKey())) {
        throw new ConfigException("unknown config key " + key + " in " + origin + "; known keys here: "
            + new java.util.TreeSet<>(target.keySet()));
      }
      Object existing = target.get(e.getKey());
      if (existing instanceof Map && e.getValue() == null) {
        continue; // "section:" with every key commented out means the section's defaults, not no section
      }
      if (existing instanceof Map<?, ?> em && e.getValue() instanceof Map<?, ?> sm) {
        merge(cast(em), cast(sm), key + ".", origin, origins);
      } else {
        target.put(e.getKey(), e.getValue());
        origins.put(key, origin);
      }
    }
  }

  private void applyEnv(Map<String, Object> node, String prefix, Map<String, String> env,
      Map<String, String> origins) {
    for (Map.Entry<String, Object> e : node.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> child) {
        applyEnv(cast(child), key + ".", env, origins);
        continue;
      }
      String var = ConfigText.envName(key);
      String value = env.get(var);
      if (value == null) {
        continue;
      }
      origins.put(key, "environment variable " + var);
      e.setValue(e.getValue() instanceof List ? list(var, value) : value);
    }
  }

  private List<Object> list(String var, String value) {
    String v = value.trim();
    if (v.startsWith("[")) {
      try (JsonParser p = jsonFactory.createParser(v)) {
        p.nextToken();
        Object parsed = read(p);
        if (p.nextToken() != null) {
          throw new ConfigException("environment variable " + var + " = '" + value + "' is not a JSON array: "
              + "text after the array");
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) parsed;
        return list;
      } catch (JsonProcessingException e) {
        String why = e instanceof JsonEOFException ? "the array is not closed" : e.getOriginalMessage();
        String where = e.getLocation() == null ? ""
            : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
        throw new ConfigException("environment variable " + var + " = '" + value + "' is not a JSON array: " + why
            + where, e);
      } catch (IOException e) {
        throw new ConfigException("environment variable " + var + ": " + e.getMessage(), e);
      }
    }
    List<Object> out = new ArrayList<>();
    for (String item : v.split(",")) {
      if (!item.isBlank()) {
        out.add(item.trim());
      }
    }
    return out;
  }

  /** Replaces {@code file:} and {@code env:} values of secret and URL keys by what they name (as ConfigLoader). */
  private static void resolveSecrets(Map<String, Object> node, String prefix, Map<String, String> env) {
    for (Map.Entry<String, Object> e : node.entrySet()) {
      String key = prefix + e.getKey();
      Object child = e.getValue();
      if (child instanceof Map<?, ?> m) {
        resolveSecrets(cast(m), key + ".", env);
      } else if (child instanceof String s && (Secrets.isSecretKey(key) || Secrets.isUrlKey(key))) {
        e.setValue(Secrets.resolve(key, s, env));
      } else if (child instanceof List<?> list && Secrets.isUrlKey(key)) {
        List<Object> resolved = new ArrayList<>(list.size());
        for (Object item : list) {
          resolved.add(item instanceof String s ? Secrets.resolve(key, s, env) : item);
        }
        e.setValue(resolved);
      }
    }
  }

  private static Object bindRecord(Class<?> type, Map<String, Object> values, String key, Map<String, Object> root,
      Map<String, String> origins) {
    RecordComponent[] components = type.getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      types[i] = c.getType();
      String childKey = key.isEmpty() ? c.getName() : key + "." + c.getName();
      args[i] = !values.containsKey(c.getName()) && c.getType().isPrimitive() ? zero(c.getType())
          : bind(c.getType(), c.getGenericType(), values.get(c.getName()), childKey, root, origins);
    }
    try {
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      return canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      // the compact constructor refused a value: its message names the field; add where the values came from
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ConfigException("invalid config" + (key.isEmpty() ? "" : " in " + key) + originsUnder(key, origins)
          + ": " + cause.getMessage(), cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getName(), e);
    }
  }

  /** What databind gives a primitive a mapping leaves out (only reachable under a section whose default is null). */
  private static Object zero(Class<?> type) {
    return type == boolean.class ? Boolean.FALSE : type == double.class ? 0.0d : type == long.class ? 0L
        : type == float.class ? 0.0f : type == char.class ? (char) 0 : type == byte.class ? (byte) 0
        : type == short.class ? (short) 0 : (Object) 0;
  }

  private static Object bind(Class<?> type, Type generic, Object value, String key, Map<String, Object> root,
      Map<String, String> origins) {
    if (type == Object.class) {
      return value; // a section kept unread
    }
    if (value == null) {
      if (type.isPrimitive()) {
        throw mismatch(key, null, origins, "expected " + type.getName() + ", found null");
      }
      return null;
    }
    if (type.isRecord()) {
      if (!(value instanceof Map<?, ?> m)) {
        throw mismatch(key, value, origins, "expected a mapping of keys (" + type.getSimpleName() + ")");
      }
      return bindRecord(type, cast(m), key, root, origins);
    }
    if (List.class.isAssignableFrom(type)) {
      if (!(value instanceof List<?> list)) {
        throw mismatch(key, value, origins, "expected a list");
      }
      Class<?> element = elementType(generic, key);
      List<Object> out = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        out.add(bind(element, element, list.get(i), key + "[" + i + "]", root, origins));
      }
      return out;
    }
    if (type.isInstance(value)) {
      return value;
    }
    if (value instanceof Map || value instanceof List) {
      throw mismatch(key, value, origins, "expected " + describe(type) + ", found " + kind(value));
    }
    try {
      return scalar(type, value);
    } catch (IllegalArgumentException e) {
      throw mismatch(key, value, origins, e.getMessage());
    }
  }

  private static Object scalar(Class<?> type, Object value) {
    String text = value.toString();
    if (type == String.class) {
      return text;
    }
    if (type == int.class || type == Integer.class) {
      long n = whole(value, text, "an int");
      if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("expected an int, a whole number within its range");
      }
      return (int) n;
    }
    if (type == long.class || type == Long.class) {
      return whole(value, text, "a long");
    }
    if (type == double.class || type == Double.class) {
      if (value instanceof Number n) {
        return n.doubleValue();
      }
      try {
        return Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected a number");
      }
    }
    if (type == boolean.class || type == Boolean.class) {
      if (text.trim().equalsIgnoreCase("true")) {
        return true;
      }
      if (text.trim().equalsIgnoreCase("false")) {
        return false;
      }
      throw new IllegalArgumentException("expected true or false");
    }
    if (type == Duration.class) {
      return value instanceof Number ? Duration.ofSeconds(whole(value, text, "a duration")) : ConfigText.duration(text);
    }
    if (type.isEnum()) {
      return enumValue(type, text);
    }
    throw new IllegalStateException("RecordBinder cannot bind " + type.getName());
  }

  private static long whole(Object value, String text, String what) {
    String expected = "expected " + what + ", a whole number within its range";
    if (value instanceof Number n) {
      if (n instanceof Double || n instanceof Float || n instanceof java.math.BigDecimal) {
        double d = n.doubleValue();
        if (d != Math.rint(d) || Math.abs(d) > Long.MAX_VALUE) {
          throw new IllegalArgumentException(expected);
        }
        return (long) d;
      }
      if (n instanceof java.math.BigInteger b && b.bitLength() > 63) {
        throw new IllegalArgumentException(expected);
      }
      return n.longValue();
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(expected);
    }
  }

  private static Object enumValue(Class<?> type, String text) {
    try {
      Method parse = type.getMethod("parse", String.class);
      if (Modifier.isStatic(parse.getModifiers()) && parse.getReturnType() == type) {
        try {
          return parse.invoke(null, text);
        } catch (InvocationTargetException e) {
          Throwable cause = e.getCause();
          throw cause instanceof IllegalArgumentException iae ? iae : new IllegalArgumentException(String.valueOf(cause));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    } catch (NoSuchMethodException e) {
      // no parse method: match a constant's name
    }
    for (Object constant : type.getEnumConstants()) {
      if (((Enum<?>) constant).name().equalsIgnoreCase(text.trim())) {
        return constant;
      }
    }
    throw new IllegalArgumentException("expected one of " + java.util.Arrays.toString(type.getEnumConstants()));
  }

  private static Class<?> elementType(Type generic, String key) {
    if (generic instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
      return c;
    }
    throw new IllegalStateException("RecordBinder needs the element type of " + key);
  }

  private static ConfigException mismatch(String key, Object value, Map<String, String> origins, String why) {
    String shown = value == null ? "" : Secrets.isSecretKey(key) ? " value " + Secrets.REDACTED
        : " value '" + value + "'";
    String origin = origins.get(key.replaceAll("\\[\\d+]$", ""));
    return new ConfigException("invalid config key " + key + shown + (origin == null ? "" : " (from " + origin + ")")
        + ": " + why);
  }

  private static String describe(Class<?> type) {
    return type == Duration.class ? "a duration" : type.getSimpleName();
  }

  /** Named as databind's node types are, so messages read as ConfigLoader's do. */
  private static String kind(Object value) {
    return value instanceof Map ? "OBJECT" : value instanceof List ? "ARRAY" : value instanceof Number ? "NUMBER"
        : value instanceof Boolean ? "BOOLEAN" : "STRING";
  }

  /** Where the keys at and below {@code key} were set, grouped by origin; empty when all are defaults. */
  private static String originsUnder(String key, Map<String, String> origins) {
    Map<String, java.util.TreeSet<String>> byOrigin = new java.util.TreeMap<>();
    origins.forEach((k, origin) -> {
      if (key.isEmpty() || k.equals(key) || k.startsWith(key + ".")) {
        byOrigin.computeIfAbsent(origin, o -> new java.util.TreeSet<>()).add(k);
      }
    });
    if (byOrigin.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(" (");
    byOrigin.forEach((origin, keys) -> {
      if (out.length() > 2) {
        out.append("; ");
      }
      out.append(String.join(", ", keys)).append(" from ").append(origin);
    });
    return out.append(')').toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
