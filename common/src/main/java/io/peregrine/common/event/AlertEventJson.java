package io.peregrine.common.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

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

  /** @throws IllegalArgumentException for text that is not an event, with the parser's reason */
  public static AlertEvent read(String json) {
    try {
      AlertEvent e = MAPPER.readValue(json, AlertEvent.class);
      if (e.id() == null || e.status() == null) {
        throw new IllegalArgumentException("alert event lacks id or status: " + abbreviate(json));
      }
      return e;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not an alert event (" + e.getOriginalMessage() + "): " + abbreviate(json), e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
