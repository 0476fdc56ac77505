package io.peregrine.common.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Small helpers around the JDK's HttpExchange: bounded bodies, JSON and text answers, query parameters. */
public final class HttpExchanges {
  private HttpExchanges() {}

  /** Thrown when a body is over its limit; handlers answer 413. */
  public static final class BodyTooLargeException extends IOException {
    public BodyTooLargeException(long limit) {
      super("request body is larger than " + limit + " bytes");
    }
  }

  /**
   * Bytes of a refused body read and discarded before the 413 goes out (Tomcat's maxSwallowSize does the same): a
   * server that answers and closes while the client is still sending makes the client's kernel see a reset, and the
   * client loses the answer. Past this, the connection is closed after the answer.
   */
  public static final int SWALLOW_LIMIT = 4 << 20;

  /** Reads the body (gunzipping when the client says so), refusing more than {@code limit} bytes. */
  public static byte[] readBody(HttpExchange ex, int limit) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          throw tooLarge(ex, limit);
        }
      } catch (NumberFormatException ignored) {
        // a bad header is not worth failing on: the read below is bounded anyway
      }
    }
    InputStream in = ex.getRequestBody();
    if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(declared == null ? 8192 : Math.min(limit, 1 << 20));
    byte[] buf = new byte[16384];
    int n;
    while ((n = in.read(buf)) > 0) {
      if (out.size() + n > limit) {
        throw tooLarge(ex, limit);
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static BodyTooLargeException tooLarge(HttpExchange ex, int limit) throws IOException {
    InputStream raw = ex.getRequestBody();
    byte[] sink = new byte[16384];
    long swallowed = 0;
    int n;
    while (swallowed < SWALLOW_LIMIT && (n = raw.read(sink)) > 0) {
      swallowed += n;
    }
    if (swallowed >= SWALLOW_LIMIT) {
      ex.getResponseHeaders().set("Connection", "close");
    }
    return new BodyTooLargeException(limit);
  }

  public static void json(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, "application/json", body);
  }

  public static void text(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, "text/plain; charset=utf-8", body);
  }

  public static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
    ex.close();
  }

  public static Map<String, String> query(HttpExchange ex) {
    Map<String, String> params = new LinkedHashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return params;
  }

  /** True when the method matches; otherwise answers 405 and returns false. */
  public static boolean method(HttpExchange ex, String expected) throws IOException {
    if (expected.equalsIgnoreCase(ex.getRequestMethod())) {
      return true;
    }
    ex.getResponseHeaders().set("Allow", expected);
    json(ex, 405, "{\"error\":\"use " + expected + "\"}");
    return false;
  }
}
