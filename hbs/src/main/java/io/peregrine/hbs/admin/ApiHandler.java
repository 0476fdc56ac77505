package io.peregrine.hbs.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.peregrine.common.server.HttpExchanges;
import io.peregrine.hbs.store.ConflictException;
import io.peregrine.hbs.store.Database;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared part of every admin resource: splits the path below the resource's prefix, runs the resource's
 * {@link #route}, writes the JSON answer, and turns failures into statuses: bad input 400, unknown id 404, a
 * name that exists already 409, a database that does not answer 503. A successful write asks for a rebuild of
 * the strategy set, so judges see it at their next pull.
 */
abstract class ApiHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
  static final ObjectMapper JSON = new ObjectMapper();

  protected final Database db;
  private final String prefix;
  private final Runnable onChange;

  ApiHandler(String prefix, Database db, Runnable onChange) {
    this.prefix = prefix;
    this.db = db;
    this.onChange = onChange;
  }

  String prefix() {
    return prefix;
  }

  /** Answers the request, or throws {@link ApiException}; answers 405 through {@link #notAllowed}. */
  abstract Reply route(ApiRequest request) throws IOException;

  @Override
  public final void handle(HttpExchange ex) throws IOException {
    String rest = ex.getRequestURI().getPath().substring(prefix.length());
    if (!rest.isEmpty() && !rest.startsWith("/")) {
      error(ex, new ApiException(404, null, "no route " + ex.getRequestURI().getPath()));
      return;
    }
    List<String> segments = Arrays.stream(rest.split("/")).filter(s -> !s.isEmpty()).toList();
    ApiRequest request = new ApiRequest(ex, segments, JSON);
    try {
      Reply reply = route(request);
      if (!"GET".equals(request.method()) && reply.status() < 300) {
        onChange.run();
      }
      HttpExchanges.json(ex, reply.status(), JSON.writeValueAsString(reply.body()));
    } catch (ApiException e) {
      error(ex, e);
    } catch (ConflictException e) {
      error(ex, new ApiException(409, null, "conflicts with what is stored: " + e.getMessage()));
    } catch (JdbiException e) {
      log.warn("hbs admin: {} {} failed in the database", ex.getRequestMethod(), ex.getRequestURI(), e);
      error(ex, new ApiException(503, null, "database error: " + e.getMessage()));
    }
  }

  static ApiException notAllowed(ApiRequest request) {
    return new ApiException(405, null, request.method() + " is not supported on this path");
  }

  private static void error(HttpExchange ex, ApiException e) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("error", e.getMessage());
    if (e.field() != null) {
      body.put("field", e.field());
    }
    HttpExchanges.json(ex, e.status(), body.toString());
  }
}
