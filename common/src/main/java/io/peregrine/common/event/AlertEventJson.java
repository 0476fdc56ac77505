package io.peregrine.common.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/** The wire form of an alert event: JSON, as Open-Falcon's judge writes to Redis. */
public final class AlertEventJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertEventJson() {}

  public static String write(AlertEvent event) {
    try {
      return MAPPER.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("alert event " + event.id() + " cannot be written as JSON", e);
    }
  }

  /**
   * Reads an event written by Peregrine or by Open-Falcon's judge. Open-Falcon's event lacks Peregrine's fields, so
   * they are derived: priority and metric from the strategy or expression (not 0, which would page as the most
   * urgent), the event key from id, status, time and step (so each event is still delivered once), no values.
   *
   * @throws IllegalArgumentException for text that is not an event, with the parser's reason
   */
  public static AlertEvent read(String json) {
    JsonNode tree;
    AlertEvent e;
    try {
      tree = MAPPER.readTree(json);
      if (tree == null || !tree.isObject()) {
        throw new IllegalArgumentException("not an alert event (expected a JSON object): " + abbreviate(json));
      }
      e = MAPPER.treeToValue(tree, AlertEvent.class);
    } catch (JsonMappingException ex) {
      throw new IllegalArgumentException("not an alert event (field " + ex.getPathReference() + ": "
          + ex.getOriginalMessage() + "): " + abbreviate(json), ex);
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException("not an alert event (" + ex.getOriginalMessage() + "): " + abbreviate(json),
          ex);
    }
    if (e.id() == null || e.status() == null) {
      throw new IllegalArgumentException("alert event lacks id or status: " + abbreviate(json));
    }
    if (tree.has("priority") && tree.has("metric") && tree.has("eventKey") && tree.has("values")) {
      return e;
    }
    return completeOpenFalconEvent(e, tree);
  }

  private static AlertEvent completeOpenFalconEvent(AlertEvent e, JsonNode tree) {
    EventStrategy s = e.strategy();
    EventExpression x = e.expression();
    int priority = tree.has("priority") ? e.priority() : s != null ? s.priority() : x != null ? x.priority() : 0;
    String metric = e.metric() != null ? e.metric() : s != null ? s.metric() : x != null ? x.metric() : "";
    String key = e.eventKey() != null ? e.eventKey()
        : AlertEvent.keyOf(e.id(), e.status(), e.eventTime(), e.currentStep());
    List<Double> values = e.values() != null ? e.values() : List.of();
    Map<String, String> tags = e.pushedTags() != null ? e.pushedTags() : Map.of();
    return new AlertEvent(e.id(), s, x, e.status(), e.endpoint(), e.leftValue(), e.currentStep(), e.eventTime(),
        tags, priority, metric, key, values);
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
