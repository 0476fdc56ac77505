package io.peregrine.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
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
    Wire w;
    try {
      w = MAPPER.readValue(json, Wire.class); // one pass: boxed fields tell a missing field from a zero
    } catch (JsonMappingException ex) {
      throw new IllegalArgumentException("not an alert event (field " + ex.getPathReference() + ": "
          + ex.getOriginalMessage() + "): " + abbreviate(json), ex);
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException("not an alert event (" + ex.getOriginalMessage() + "): " + abbreviate(json),
          ex);
    }
    if (w == null) {
      throw new IllegalArgumentException("not an alert event (expected a JSON object): " + abbreviate(json));
    }
    if (w.id() == null || w.status() == null) {
      throw new IllegalArgumentException("alert event lacks id or status: " + abbreviate(json));
    }
    return w.complete();
  }

  /**
   * The event as read, with Peregrine's own fields nullable: Open-Falcon's event lacks them, and they are derived
   * then (priority and metric from the strategy or expression, the key from id, status, time and step).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  private record Wire(String id, EventStrategy strategy, EventExpression expression, String status,
      String endpoint, double leftValue, int currentStep, long eventTime, Map<String, String> pushedTags,
      Integer priority, String metric, String eventKey, List<Double> values) {

    AlertEvent complete() {
      EventStrategy s = strategy;
      EventExpression x = expression;
      int p = priority != null ? priority : s != null ? s.priority() : x != null ? x.priority() : 0;
      String m = metric != null ? metric : s != null ? s.metric() : x != null ? x.metric() : "";
      String key = eventKey != null ? eventKey : AlertEvent.keyOf(id, status, eventTime, currentStep);
      return new AlertEvent(id, s, x, status, endpoint, leftValue, currentStep, eventTime,
          pushedTags != null ? pushedTags : Map.of(), p, m, key, values != null ? values : List.of());
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
