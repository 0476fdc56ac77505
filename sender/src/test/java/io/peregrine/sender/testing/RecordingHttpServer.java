package io.peregrine.sender.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A real HTTP server on 127.0.0.1, port 0, recording every request; {@code status} maps the request number (from 1)
 * to the status answered.
 */
public final class RecordingHttpServer implements AutoCloseable {
  /** One request as received. */
  public record Request(String path, String contentType, String body, Map<String, String> headers, int answered,
      String query) {
    /** The body as an HTML form. */
    public Map<String, String> form() {
      Map<String, String> out = new LinkedHashMap<>();
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
      return out;
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger count = new AtomicInteger();
  private volatile IntUnaryOperator status;
  private volatile String okBody = "ok";
  private final ThreadLocal<String> lastBody = new ThreadLocal<>();

  public RecordingHttpServer(IntUnaryOperator status) throws IOException {
    this.status = status;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      lastBody.set(body);
      int code = this.status.applyAsInt(count.incrementAndGet());
      Map<String, String> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
      requests.add(new Request(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Content-Type"), body,
          headers, code, ex.getRequestURI().getRawQuery()));
      byte[] answer = (code < 300 ? okBody : "gateway says no").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(code, answer.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(answer);
      }
    });
    server.start();
  }

  public static RecordingHttpServer alwaysOk() throws IOException {
    return new RecordingHttpServer(n -> 200);
  }

  /** The body of the request being answered, for a status function that looks at it (on the server's thread). */
  public String lastBody() {
    String b = lastBody.get();
    return b == null ? "" : b;
  }

  /** What a 2xx answer says (chat robots answer JSON like {@code {"errcode":0}}). */
  public RecordingHttpServer okBody(String body) {
    this.okBody = body;
    return this;
  }

  public void answer(IntUnaryOperator status) {
    this.status = status;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public List<Request> requests() {
    return new ArrayList<>(requests);
  }

  public long succeeded() {
    return requests.stream().filter(r -> r.answered() < 300).count();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
