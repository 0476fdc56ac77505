package io.peregrine.hbs.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.peregrine.common.server.HttpExchanges;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One admin request: the method, the path segments after the resource's prefix, the query and the body. */
final class ApiRequest {
  /** Admin bodies are small objects; a MiB is far beyond any real one and bounds what a bad client costs. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private final HttpExchange exchange;
  private final List<String> segments;
  private final ObjectMapper json;

  ApiRequest(HttpExchange exchange, List<String> segments, ObjectMapper json) {
    this.exchange = exchange;
    this.segments = segments;
    this.json = json;
  }

  String method() {
    return exchange.getRequestMethod().toUpperCase(Locale.ROOT);
  }

  List<String> segments() {
    return segments;
  }

  /** Path shape and method together: {@code is("POST", 2, "hosts")} matches {@code POST /{id}/hosts}. */
  boolean is(String method, int size, String... literals) {
    if (!method().equals(method) || segments.size() != size) {
      return false;
    }
    for (int i = 0; i < literals.length; i++) {
      if (!segments.get(size - literals.length + i).equals(literals[i])) {
        return false;
      }
    }
    return true;
  }

  /** The path segment at {@code index} as an id; an id that is not a number names nothing, hence 404. */
  long id(int index, String what) {
    String s = segments.get(index);
    try {
      long id = Long.parseLong(s);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.notFound(what + " '" + s + "'");
  }

  Map<String, String> query() {
    return HttpExchanges.query(exchange);
  }

  JsonBody body() throws IOException {
    return JsonBody.parse(json, HttpExchanges.readBody(exchange, MAX_BODY_BYTES));
  }
}
