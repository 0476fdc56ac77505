package io.peregrine.sender.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.peregrine.common.server.HttpExchanges;
import io.peregrine.sender.queue.DeadLetters;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The dead letters over HTTP (what {@code peregrine sender dead-letters} calls):
 * <ul>
 *   <li>{@code GET /api/v1/dead-letters[?limit=N]}: the newest, at most {@value #MAX_LIMIT}, as
 *       {@code {"count": n, "deadLetters": [{id, event, reason, failedAt, priority, consumer}, ...]}};
 *   <li>{@code GET /api/v1/dead-letters/<id>}: one, or 404;
 *   <li>{@code POST /api/v1/dead-letters/replay}: every dead letter back to its priority queue,
 *       {@code {"replayed": n}}; {@code POST /api/v1/dead-letters/<id>/replay}: one ({@code {"replayed": 1}}, or 404);
 *   <li>{@code DELETE /api/v1/dead-letters/<id>}: drops one ({@code {"dropped": 1}}, or 404);
 *       {@code DELETE /api/v1/dead-letters?all=true}: drops every one.
 * </ul>
 * Replays go through the delivery claims, so nobody already told is told again. 503 when the store cannot be
 * reached, 400 for an id that is not 16 hex digits.
 */
public final class DeadLetterHandler implements HttpHandler {
  public static final String PATH = "/api/v1/dead-letters";
  static final int MAX_LIMIT = 100;
  private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DeadLetters store;

  /** @param store the dead letters, or null when the source keeps none that can be read */
  public DeadLetterHandler(DeadLetters store) {
    this.store = store;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    if (store == null) {
      error(ex, 501, "this sender's alert source keeps no dead letters that can be read");
      return;
    }
    String rest = path.length() > PATH.length() ? path.substring(PATH.length() + 1) : "";
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    String method = ex.getRequestMethod();
    try {
      if (rest.isEmpty()) {
        if ("DELETE".equals(method)) {
          dropAll(ex);
        } else if (HttpExchanges.method(ex, "GET")) {
          list(ex);
        }
      } else if (rest.equals("replay")) {
        if (HttpExchanges.method(ex, "POST")) {
          HttpExchanges.json(ex, 200, JSON.createObjectNode().put("replayed", store.replayAll()).toString());
        }
      } else if (rest.endsWith("/replay")) {
        String id = id(ex, rest.substring(0, rest.length() - "/replay".length()));
        if (id != null && HttpExchanges.method(ex, "POST")) {
          found(ex, store.replay(id), id, "replayed");
        }
      } else {
        String id = id(ex, rest);
        if (id == null) {
          return;
        }
        if ("DELETE".equals(method)) {
          found(ex, store.drop(id), id, "dropped");
        } else if (HttpExchanges.method(ex, "GET")) {
          show(ex, id);
        }
      }
    } catch (UnsupportedOperationException e) {
      error(ex, 501, e.getMessage());
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      error(ex, 503, "cannot reach the dead letters: " + e.getMessage());
    }
  }

  private void list(HttpExchange ex) throws Exception {
    int limit = MAX_LIMIT;
    String asked = HttpExchanges.query(ex).get("limit");
    if (asked != null) {
      try {
        limit = Math.max(0, Math.min(MAX_LIMIT, Integer.parseInt(asked.trim())));
      } catch (NumberFormatException e) {
        error(ex, 400, "limit must be a number, got '" + asked + "'");
        return;
      }
    }
    List<String> items = store.list(limit);
    ObjectNode body = JSON.createObjectNode();
    body.put("count", items.size());
    ArrayNode out = body.putArray("deadLetters");
    for (String item : items) {
      out.add(withId(item));
    }
    HttpExchanges.json(ex, 200, body.toString());
  }

  private void show(HttpExchange ex, String id) throws Exception {
    Optional<String> item = store.find(id);
    if (item.isEmpty()) {
      error(ex, 404, "no dead letter " + id);
    } else {
      HttpExchanges.json(ex, 200, withId(item.get()).toString());
    }
  }

  private void dropAll(HttpExchange ex) throws Exception {
    if (!"true".equals(HttpExchanges.query(ex).get("all"))) {
      error(ex, 400, "DELETE " + PATH + " drops every dead letter: say so with ?all=true");
      return;
    }
    HttpExchanges.json(ex, 200, JSON.createObjectNode().put("dropped", store.dropAll()).toString());
  }

  private static void found(HttpExchange ex, boolean done, String id, String what) throws IOException {
    if (done) {
      HttpExchanges.json(ex, 200, JSON.createObjectNode().put(what, 1).toString());
    } else {
      error(ex, 404, "no dead letter " + id + (what.equals("replayed") ? " that is an event" : ""));
    }
  }

  private static String id(HttpExchange ex, String text) throws IOException {
    if (!ID.matcher(text).matches()) {
      error(ex, 400, "a dead letter id is 16 hex digits (as listed), got '" + text + "'");
      return null;
    }
    return text;
  }

  private static JsonNode withId(String item) {
    ObjectNode out = JSON.createObjectNode();
    out.put("id", DeadLetters.idOf(item));
    try {
      JsonNode parsed = JSON.readTree(item);
      if (parsed != null && parsed.isObject()) {
        out.setAll((ObjectNode) parsed);
      } else {
        out.put("text", item);
      }
    } catch (IOException e) {
      out.put("text", item);
    }
    return out;
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    HttpExchanges.json(ex, status, JSON.createObjectNode().put("error", message).toString());
  }
}
