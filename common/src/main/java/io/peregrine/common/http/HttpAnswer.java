package io.peregrine.common.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP answer: status, content type, body, extra headers. */
public record HttpAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {
  public static final String JSON = "application/json";

  public static HttpAnswer json(int status, String body) {
    return new HttpAnswer(status, JSON, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public static HttpAnswer json(int status, byte[] body) {
    return new HttpAnswer(status, JSON, body, Map.of());
  }

  /** This answer with one more header (the ones it has are kept). */
  public HttpAnswer withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new HttpAnswer(status, contentType, body, Map.copyOf(more));
  }
}
