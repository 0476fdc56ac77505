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

/**
 * {@code GET /api/v1/dead-letters[?limit=N]}: the newest dead letters, at most {@value #MAX_LIMIT}, as
 * {@code {"count": n, "deadLetters": [{event, reason, failedAt, priority, consumer}, ...]}}.
 * {@code POST /api/v1/dead-letters/replay}: moves every dead letter back to its priority queue, answers
 * {@code {"replayed": n}}. 503 when the queue cannot be reached.
 */
public final class DeadLetterHandler implements HttpHandler {
  public static final String PATH = "/api/v1/dead-letters";
  static final int MAX_LIMIT = 100;
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
    } else if (path.equals(PATH) || path.equals(PATH + "/")) {
      if (HttpExchanges.method(ex, "GET")) {
        list(ex);
      }
    } else if (path.equals(PATH + "/replay")) {
      if (HttpExchanges.method(ex, "POST")) {
        replay(ex);
      }
    } else {
      error(ex, 404, "no such resource: " + path);
    }
  }

  private void list(HttpExchange ex) throws IOException {
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
    List<String> items;
    try {
      items = store.list(limit);
    } catch (Exception e) {
      error(ex, 503, "cannot read dead letters: " + e.getMessage());
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("count", items.size());
    ArrayNode out = body.putArray("deadLetters");
    for (String item : items) {
      out.add(parse(item));
    }
    HttpExchanges.json(ex, 200, body.toString());
  }

  private void replay(HttpExchange ex) throws IOException {
    try {
      int n = store.replayAll();
      HttpExchanges.json(ex, 200, JSON.createObjectNode().put("replayed", n).toString());
    } catch (UnsupportedOperationException e) {
      error(ex, 501, e.getMessage());
    } catch (Exception e) {
      error(ex, 503, "cannot replay dead letters: " + e.getMessage());
    }
  }

  private static JsonNode parse(String item) {
    try {
      return JSON.readTree(item);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(item);
    }
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    HttpExchanges.json(ex, status, JSON.createObjectNode().put("error", message).toString());
  }
}
