package io.peregrine.hbs.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Acknowledging an incident from the console ({@code POST /console/api/sender/api/v1/incidents/<id>/ack}): an editor's
 * act (scope write, where other sender writes need admin), and the acknowledgement names the signed-in user, so
 * {@code by} is set here from the session whatever the browser sent; the comment passes as sent.
 */
final class ConsoleAck {
  private static final Pattern ACK = Pattern.compile("api/v1/incidents/[^/]+/ack");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConsoleAck() {}

  static boolean is(String upstream, String method, String rest) {
    return upstream.equals("sender") && method.equals("POST") && ACK.matcher(rest).matches();
  }

  /** The body with {@code by} replaced by {@code user}; a body that is not a JSON object is refused (400). */
  static byte[] body(byte[] sent, String user) {
    JsonNode parsed;
    try {
      parsed = sent.length == 0 ? JSON.createObjectNode() : JSON.readTree(sent);
    } catch (IOException e) {
      throw ApiException.badField("body", "must be JSON {\"comment\": \"...\"}: " + e.getMessage());
    }
    if (parsed == null || !parsed.isObject()) {
      throw ApiException.badField("body", "must be a JSON object {\"comment\": \"...\"}");
    }
    ObjectNode out = ((ObjectNode) parsed).put("by", user);
    try {
      return JSON.writeValueAsBytes(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
