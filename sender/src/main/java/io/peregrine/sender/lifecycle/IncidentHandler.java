package io.peregrine.sender.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.server.HttpExchanges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

/**
 * Open incidents over HTTP (docs/ALERTING.md):
 * <ul>
 *   <li>{@code GET /api/v1/incidents/<event id>}: the incident ({@code openedAt}, {@code lastStep}, {@code endpoint},
 *       {@code metric}, {@code priority}, {@code acknowledged} and, when it is, {@code acknowledgedBy},
 *       {@code acknowledgedAt} (unix ms), {@code comment}), or 404 when it is not open;
 *   <li>{@code POST /api/v1/incidents/<event id>/ack} with {@code {"by": "alice", "comment": "on it"}}: acknowledges
 *       it, 200 with the incident; 409 with the earlier acknowledgement when there is one; 404 when not open.
 * </ul>
 * 400 for an id or body that breaks {@link AckRequest}'s rules, 413 beyond {@value AckRequest#MAX_BODY_BYTES}
 * bytes, 503 when the store cannot be reached, 501 when this sender keeps no incidents.
 */
public final class IncidentHandler implements HttpHandler {
  public static final String PATH = "/api/v1/incidents";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final IncidentStore store;
  private final Clock clock;
  private final IncidentHistory history;

  public IncidentHandler(IncidentStore store, Clock clock, IncidentHistory history) {
    this.store = store;
    this.clock = clock;
    this.history = history;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    if (store == null) {
      error(ex, 501, "this sender keeps no incidents");
      return;
    }
    String path = ex.getRequestURI().getPath();
    String rest = path.length() > PATH.length() ? path.substring(PATH.length() + 1) : "";
    boolean ack = rest.endsWith("/ack");
    String id = ack ? rest.substring(0, rest.length() - "/ack".length()) : rest;
    String bad = AckRequest.badId(id);
    if (bad != null) {
      error(ex, rest.isEmpty() ? 404 : 400, rest.isEmpty() ? "use " + PATH + "/<event id>" : bad);
      return;
    }
    try {
      if (ack) {
        if (HttpExchanges.method(ex, "POST")) {
          acknowledge(ex, id);
        }
      } else if (HttpExchanges.method(ex, "GET")) {
        Optional<IncidentStore.Incident> found = store.find(id);
        if (found.isEmpty()) {
          error(ex, 404, "incident " + id + " is not open (it recovered, was never seen, or was forgotten)");
        } else {
          HttpExchanges.json(ex, 200, json(found.get()).toString());
        }
      }
    } catch (AlertQueueException e) {
      error(ex, 503, "cannot reach the incidents: " + e.getMessage());
    }
  }

  private void acknowledge(HttpExchange ex, String id) throws IOException, AlertQueueException {
    JsonNode body;
    try {
      body = JSON.readTree(new String(HttpExchanges.readBody(ex, AckRequest.MAX_BODY_BYTES), StandardCharsets.UTF_8));
    } catch (HttpExchanges.BodyTooLargeException e) {
      error(ex, 413, e.getMessage());
      return;
    } catch (JsonProcessingException e) {
      error(ex, 400, "the body must be JSON {\"by\": \"...\", \"comment\": \"...\"}: " + e.getOriginalMessage());
      return;
    }
    if (body == null || !body.isObject()) {
      error(ex, 400, "the body must be a JSON object {\"by\": \"...\", \"comment\": \"...\"}");
      return;
    }
    String by = body.path("by").isTextual() ? body.get("by").asText() : null;
    String comment = body.path("comment").isTextual() ? body.get("comment").asText() : "";
    String bad = AckRequest.badAck(by, comment);
    if (bad != null) {
      error(ex, 400, bad);
      return;
    }
    IncidentStore.AckResult r = store.acknowledge(id, new IncidentStore.Ack(by.strip(), clock.millis(), comment));
    switch (r.outcome()) {
      case NOT_OPEN -> error(ex, 404, "incident " + id + " is not open (it recovered, was never seen, or was "
          + "forgotten)");
      case ALREADY -> {
        ObjectNode out = JSON.createObjectNode().put("error", "incident " + id + " is already acknowledged by "
            + r.ack().by());
        ack(out, r.ack());
        HttpExchanges.json(ex, 409, out.toString());
      }
      case ACKNOWLEDGED -> {
        Optional<IncidentStore.Incident> now = store.find(id);
        now.ifPresent(i -> history.record(IncidentHistory.acknowledged(i, r.ack(), "api")));
        HttpExchanges.json(ex, 200, now.map(IncidentHandler::json).orElseGet(() -> ack(JSON.createObjectNode()
            .put("id", id), r.ack())).toString());
      }
    }
  }

  static ObjectNode json(IncidentStore.Incident i) {
    ObjectNode out = JSON.createObjectNode().put("id", i.id()).put("openedAt", i.openedAt())
        .put("lastStep", i.lastStep()).put("endpoint", i.endpoint()).put("metric", i.metric())
        .put("priority", i.priority());
    return i.ack() == null ? out.put("acknowledged", false) : ack(out, i.ack());
  }

  private static ObjectNode ack(ObjectNode out, IncidentStore.Ack a) {
    return out.put("acknowledged", true).put("acknowledgedBy", a.by()).put("acknowledgedAt", a.atMillis())
        .put("comment", a.comment());
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    HttpExchanges.json(ex, status, JSON.createObjectNode().put("error", message).toString());
  }
}
