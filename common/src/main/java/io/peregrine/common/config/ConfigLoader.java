package io.peregrine.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds an immutable config record from three layers: the record's defaults, a YAML (or JSON) file, and
 * environment variables. Every leaf key has an environment name: {@code transfer.grpcListen} is
 * {@code PEREGRINE_TRANSFER_GRPC_LISTEN}; a list takes a comma-separated value or a JSON array. Unknown keys in the
 * file and values that do not fit fail at start with the key, the value and where it came from.
 */
public final class ConfigLoader {
  public static final String ENV_PREFIX = "PEREGRINE";

  private final ObjectMapper yaml;

  public ConfigLoader() {
    this.yaml = new ObjectMapper(new YAMLFactory())
        .registerModule(Durations.jacksonModule())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  /**
   * @param file the YAML file, or null for defaults and environment only
   * @param env the environment (System.getenv() in production, a map in tests)
   */
  public <T> T load(Path file, Class<T> type, T defaults, Map<String, String> env) {
    ObjectNode tree = yaml.valueToTree(defaults);
    Map<String, String> origins = new HashMap<>();
    if (file != null) {
      JsonNode fromFile;
      try {
        fromFile = yaml.readTree(Files.readString(file));
      } catch (JsonProcessingException e) {
        // the YAML parser's message already points at the line and column
        throw new ConfigException("config file " + file + " is not valid YAML: " + e.getOriginalMessage(), e);
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + file + ": " + e, e);
      }
      if (fromFile != null && !fromFile.isMissingNode() && !fromFile.isNull()) {
        if (!fromFile.isObject()) {
          throw new ConfigException("config file " + file + " must hold a mapping of sections, found "
              + fromFile.getNodeType());
        }
        merge(tree, (ObjectNode) fromFile, "", "file " + file, origins);
      }
    }
    applyEnv(tree, "", env, origins);
    resolveSecrets(tree, "", env);
    try {
      return yaml.treeToValue(tree, type);
    } catch (ValueInstantiationException e) {
      // a compact constructor refused a value: its message names the field; add where the section's values came from
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String key = path(e);
      throw new ConfigException("invalid config" + (key.isEmpty() ? "" : " in " + key) + originsUnder(key, origins)
          + ": " + cause.getMessage(), cause);
    } catch (JsonMappingException e) {
      String key = path(e);
      String value = Secrets.isSecretKey(key) ? " value " + Secrets.REDACTED
          : e instanceof InvalidFormatException f ? " value '" + f.getValue() + "'" : valueAt(tree, e);
      String why = e instanceof MismatchedInputException m && m.getTargetType() != null
          ? "expected " + describe(m.getTargetType()) : e.getOriginalMessage();
      throw new ConfigException("invalid config key " + key + value + originOf(key, origins) + ": " + why, e);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("invalid config: " + e.getMessage(), e);
    }
  }

  /**
   * Returns {@code base} with YAML text laid over it (unknown keys fail as in a file): how a launcher keeps a
   * bundled set of defaults, such as all-in-one's, in a resource.
   */
  public <T> T overlay(T base, Class<T> type, String yamlText, String origin) {
    ObjectNode tree = yaml.valueToTree(base);
    try {
      JsonNode over = yaml.readTree(yamlText);
      if (over != null && over.isObject()) {
        merge(tree, (ObjectNode) over, "", origin, new HashMap<>());
      }
      return yaml.treeToValue(tree, type);
    } catch (IOException e) {
      throw new ConfigException("invalid config in " + origin + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns {@code base} with single keys replaced ({@code "transfer.graphNodes" -> List.of(...)}): how a launcher
   * wires one component to the port another one actually bound.
   */
  public <T> T with(T base, Class<T> type, Map<String, ?> values) {
    ObjectNode tree = yaml.valueToTree(base);
    for (Map.Entry<String, ?> e : values.entrySet()) {
      String[] parts = e.getKey().split("\\.");
      ObjectNode node = tree;
      for (int i = 0; i < parts.length - 1; i++) {
        JsonNode child = node.get(parts[i]);
        if (child == null || !child.isObject()) {
          throw new ConfigException("unknown config key " + e.getKey());
        }
        node = (ObjectNode) child;
      }
      if (!node.has(parts[parts.length - 1])) {
        throw new ConfigException("unknown config key " + e.getKey());
      }
      node.set(parts[parts.length - 1], yaml.valueToTree(e.getValue()));
    }
    try {
      return yaml.treeToValue(tree, type);
    } catch (IOException e) {
      throw new ConfigException("invalid config override " + values.keySet() + ": " + e.getMessage(), e);
    }
  }

  /** Lists every environment variable this config type reads, for --help and the docs. */
  public List<String> environmentNames(Object defaults) {
    List<String> names = new ArrayList<>();
    collectNames(yaml.valueToTree(defaults), "", names);
    return names;
  }

  /** The config as YAML, secrets shown as {@code <redacted>} and URLs' credentials masked (see {@link Secrets}). */
  public String toYaml(Object config) {
    try {
      JsonNode tree = yaml.valueToTree(config);
      redact(tree, "");
      return yaml.writeValueAsString(tree);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Replaces {@code file:} and {@code env:} values of secret keys by what they name. */
  private static void resolveSecrets(JsonNode node, String prefix, Map<String, String> env) {
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    for (String field : iterableNames(object)) {
      String key = prefix + field;
      JsonNode child = object.get(field);
      if (child != null && child.isObject()) {
        resolveSecrets(child, key + ".", env);
      } else if (child != null && child.isTextual() && (Secrets.isSecretKey(key) || Secrets.isUrlKey(key))) {
        // URLs too: a webhook URL carrying a token or a Redis URL with a password comes from a file or a variable
        object.set(field, TextNode.valueOf(Secrets.resolve(key, child.asText(), env)));
      } else if (child != null && child.isArray() && Secrets.isUrlKey(key)) {
        ArrayNode resolved = JsonNodeFactory.instance.arrayNode();
        child.forEach(item -> resolved.add(item.isTextual()
            ? TextNode.valueOf(Secrets.resolve(key, item.asText(), env)) : item));
        object.set(field, resolved);
      }
    }
  }

  private static void redact(JsonNode node, String prefix) {
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    for (String field : iterableNames(object)) {
      String key = prefix + field;
      JsonNode child = object.get(field);
      if (child == null) {
        continue;
      }
      if (child.isObject()) {
        redact(child, key + ".");
      } else if (child.isTextual()) {
        object.set(field, TextNode.valueOf(Secrets.redact(key, child.asText())));
      } else if (child.isArray() && Secrets.isUrlKey(key)) {
        ArrayNode masked = JsonNodeFactory.instance.arrayNode();
        child.forEach(item -> masked.add(item.isTextual() ? TextNode.valueOf(Secrets.redactUrl(item.asText())) : item));
        object.set(field, masked);
      } else if (child.isArray()) {
        child.forEach(item -> redact(item, key + "."));
      }
    }
  }

  private static void merge(ObjectNode target, ObjectNode source, String prefix, String origin,
      Map<String, String> origins) {
    for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix + e.getKey();
      JsonNode existing = target.get(e.getKey());
      if (existing == null && !target.has(e.getKey())) {
        throw new ConfigException("unknown config key " + key + " in " + origin + "; known keys here: "
            + new TreeSet<>(iterableNames(target)));
      }
      if (existing != null && existing.isObject() && e.getValue().isNull()) {
        continue; // "section:" with every key commented out means the section's defaults, not no section
      }
      if (existing != null && existing.isObject() && e.getValue().isObject()) {
        merge((ObjectNode) existing, (ObjectNode) e.getValue(), key + ".", origin, origins);
      } else {
        target.set(e.getKey(), e.getValue());
        origins.put(key, origin);
      }
    }
  }

  private static void applyEnv(ObjectNode node, String prefix, Map<String, String> env, Map<String, String> origins) {
    List<String> names = iterableNames(node);
    for (String field : names) {
      String key = prefix + field;
      JsonNode child = node.get(field);
      if (child != null && child.isObject()) {
        applyEnv((ObjectNode) child, key + ".", env, origins);
        continue;
      }
      String var = envName(key);
      String value = env.get(var);
      if (value == null) {
        continue;
      }
      origins.put(key, "environment variable " + var);
      node.set(field, child != null && child.isArray() ? list(var, value) : TextNode.valueOf(value));
    }
  }

  private static JsonNode list(String var, String value) {
    String v = value.trim();
    if (v.startsWith("[")) {
      try {
        return new ObjectMapper().readTree(v);
      } catch (JsonProcessingException e) {
        String why = e instanceof JsonEOFException ? "the array is not closed" : e.getOriginalMessage();
        throw new ConfigException("environment variable " + var + " = '" + value + "' is not a JSON array: " + why
            + where(e), e);
      }
    }
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (String item : v.split(",")) {
      if (!item.isBlank()) {
        array.add(item.trim());
      }
    }
    return array;
  }

  private static void collectNames(JsonNode node, String prefix, List<String> out) {
    for (String field : iterableNames(node)) {
      JsonNode child = node.get(field);
      if (child != null && child.isObject()) {
        collectNames(child, prefix + field + ".", out);
      } else {
        out.add(envName(prefix + field));
      }
    }
  }

  /** {@code transfer.grpcListen} becomes {@code PEREGRINE_TRANSFER_GRPC_LISTEN}. */
  public static String envName(String key) {
    return ConfigText.envName(key);
  }

  private static List<String> iterableNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  /** The value the mapping failed on, from the merged tree: the file's or environment's text, not the default. */
  private static String valueAt(JsonNode tree, JsonMappingException e) {
    JsonNode node = tree;
    for (JsonMappingException.Reference r : e.getPath()) {
      if (node == null) {
        return "";
      }
      node = r.getFieldName() != null ? node.get(r.getFieldName()) : node.get(r.getIndex());
    }
    if (node == null || node == tree) {
      return "";
    }
    return node.isValueNode() && !node.isNull() ? " value '" + node.asText() + "'" : " value " + node;
  }

  private static String describe(Class<?> type) {
    if (Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type.isRecord()) {
      return "a mapping of keys (" + type.getSimpleName() + ")";
    }
    return type.getSimpleName();
  }

  private static String where(JsonProcessingException e) {
    return e.getLocation() == null ? ""
        : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
  }

  /** Where the keys at and below {@code key} were set, grouped by origin; empty when all are defaults. */
  private static String originsUnder(String key, Map<String, String> origins) {
    Map<String, TreeSet<String>> byOrigin = new TreeMap<>();
    origins.forEach((k, origin) -> {
      if (key.isEmpty() || k.equals(key) || k.startsWith(key + ".")) {
        byOrigin.computeIfAbsent(origin, o -> new TreeSet<>()).add(k);
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

  private static String originOf(String key, Map<String, String> origins) {
    String origin = origins.get(key);
    return origin == null ? "" : " (from " + origin + ")";
  }
}
