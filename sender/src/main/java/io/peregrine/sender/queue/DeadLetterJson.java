package io.peregrine.sender.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peregrine.common.event.AlertQueues;
import java.time.Instant;

/**
 * The dead-letter wrapper: {@code {"event": <the event as it was queued>, "reason": "...", "failedAt":
 * "2026-11-22T10:00:00Z", "priority": 2, "consumer": "sender-0"}}. An event that is not JSON at all is kept as a
 * string under {@code event}, so nothing an operator needs to see is lost.
 */
final class DeadLetterJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private DeadLetterJson() {}

  /** A dead letter that can go back to a queue: the event's text and its priority. */
  record Replayable(String event, int priority) {}

  static String wrap(String raw, String reason, int priority, String consumer, Instant failedAt) {
    ObjectNode w = MAPPER.createObjectNode();
    JsonNode event = parse(raw);
    if (event != null && event.isObject()) {
      w.set("event", event);
    } else {
      w.put("event", raw);
    }
    w.put("reason", reason);
    w.put("failedAt", failedAt.toString());
    if (priority >= 0) {
      w.put("priority", priority);
    } else {
      w.putNull("priority");
    }
    w.put("consumer", consumer);
    return w.toString();
  }

  /** The wrapped event if it is a JSON object (a string event could only fail again), else null. */
  static Replayable unwrap(String wrapper) {
    JsonNode w = parse(wrapper);
    if (w == null || !w.path("event").isObject()) {
      return null;
    }
    JsonNode event = w.get("event");
    JsonNode p = w.path("priority");
    int priority = p.isInt() ? AlertQueues.clamp(p.asInt()) : priorityOf(event);
    return new Replayable(event.toString(), priority);
  }

  /**
   * The queue an event belongs in: Peregrine's {@code priority} when present, else Open-Falcon's strategy or
   * expression priority, else the least urgent queue; -1 for text that is not a JSON object.
   */
  static int priorityOf(String raw) {
    JsonNode e = parse(raw);
    return e == null || !e.isObject() ? -1 : priorityOf(e);
  }

  private static int priorityOf(JsonNode e) {
    for (JsonNode p : new JsonNode[] {e.get("priority"), e.path("strategy").get("priority"),
        e.path("expression").get("priority")}) {
      if (p != null && p.isNumber()) {
        return AlertQueues.clamp(p.asInt());
      }
    }
    return AlertQueues.MAX_PRIORITY;
  }

  private static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
