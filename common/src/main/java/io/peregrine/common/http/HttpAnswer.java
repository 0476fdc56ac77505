package io.peregrine.common.http;

import java.nio.charset.StandardCharsets;
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

  public HttpAnswer withHeader(String name, String value) {
    return new HttpAnswer(status, contentType, body, Map.of(name, value));
  }
}
