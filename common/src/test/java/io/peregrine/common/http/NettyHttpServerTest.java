package io.peregrine.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.server.HealthChecks;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Netty HTTP host on loopback: limits, keep-alive and pipelining, gzip, the built-in routes. */
class NettyHttpServerTest {
  private static final int MAX_BODY = 64 << 10;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HealthChecks health = new HealthChecks();
  private final AtomicInteger calls = new AtomicInteger();
  private final HttpClient client = HttpClient.newHttpClient();
  private NettyHttpServer server;

  /** A route that answers with the body's length and first byte. */
  private NettyHttpServer start(long maxBuffered) throws Exception {
    server = new NettyHttpServer("test-http", "127.0.0.1:0", 2, MAX_BODY, maxBuffered, registry, health)
        .route("/echo", call -> {
          calls.incrementAndGet();
          if (call.length() > 0 && call.body()[0] == '!') {
            throw new IllegalStateException("boom");
          }
          return HttpAnswer.json(200, "{\"method\":\"" + call.method() + "\",\"length\":" + call.length() + "}");
        })
        .route("/who", call -> HttpAnswer.json(200, "{\"step\":\"" + call.query("step") + "\",\"type\":\""
            + call.header("content-type") + "\",\"from\":\"" + call.remoteAddress().getHostAddress() + "\",\"path\":\""
            + call.path() + "\"}"));
    server.start();
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(body);
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void routesGetTheWholeBodyAndUnknownPathsAre404() throws Exception {
    start(1 << 20);
    HttpResponse<String> r = post("/echo?x=1", HttpRequest.BodyPublishers.ofString("a".repeat(40_000)));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"method\":\"POST\",\"length\":40000}");
    assertThat(post("/nothing", HttpRequest.BodyPublishers.ofString("x")).statusCode()).isEqualTo(404);
  }

  @Test
  void routesSeeTheQueryTheHeadersAndTheCaller() throws Exception {
    start(1 << 20);
    HttpResponse<String> r = post("/who?step=30&x=%20y", HttpRequest.BodyPublishers.ofString("x"),
        "Content-Type", "text/plain; version=0.0.4");
    assertThat(r.body()).isEqualTo(
        "{\"step\":\"30\",\"type\":\"text/plain; version=0.0.4\",\"from\":\"127.0.0.1\",\"path\":\"/who\"}");
  }

  @Test
  void aBodyOverTheLimitIs413WhetherDeclaredOrChunked() throws Exception {
    start(1 << 20);
    HttpResponse<String> declared = post("/echo", HttpRequest.BodyPublishers.ofByteArray(new byte[MAX_BODY + 1]));
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(declared.body()).contains("larger than " + MAX_BODY);

    // no Content-Length: sent chunked, refused once the limit is passed
    HttpResponse<String> chunked = post("/echo", HttpRequest.BodyPublishers.ofInputStream(
        () -> new ByteArrayInputStream(new byte[MAX_BODY * 2])));
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(calls).hasValue(0);

    // the server is fine afterwards
    assertThat(post("/echo", HttpRequest.BodyPublishers.ofByteArray(new byte[MAX_BODY])).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aClientStillSendingARefusedBodyReadsThe413() throws Exception {
    start(1 << 20);
    // 2 MiB with small socket buffers: without the swallow the server closes with the body unread, and the write or
    // the read below is reset
    byte[] body = new byte[2 << 20];
    try (Socket socket = new Socket()) {
      socket.setSendBufferSize(64 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
      String line;
      boolean close = false;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        close |= line.equalsIgnoreCase("connection: close");
      }
      assertThat(close).as("the answer says the connection closes").isTrue();
    }
    assertThat(calls).hasValue(0);
  }

  @Test
  void bodiesBeyondTheBufferBudgetAre503WithRetryAfter() throws Exception {
    start(1024);
    HttpResponse<String> r = post("/echo", HttpRequest.BodyPublishers.ofByteArray(new byte[4096]));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(server.buffered).hasValue(0);
    assertThat(post("/echo", HttpRequest.BodyPublishers.ofByteArray(new byte[512])).statusCode()).isEqualTo(200);
  }

  @Test
  void gzipBodiesAreGunzippedAndTheLimitAppliesToTheUnzippedSize() throws Exception {
    start(1 << 20);
    HttpResponse<String> r = post("/echo", HttpRequest.BodyPublishers.ofByteArray(gzip(new byte[30_000])),
        "Content-Encoding", "gzip");
    assertThat(r.body()).contains("\"length\":30000");
    HttpResponse<String> bomb = post("/echo", HttpRequest.BodyPublishers.ofByteArray(gzip(new byte[MAX_BODY * 4])),
        "Content-Encoding", "gzip");
    assertThat(bomb.statusCode()).isEqualTo(413);
  }

  @Test
  void aRouteThatThrowsAnswers500WithItsMessage() throws Exception {
    start(1 << 20);
    HttpResponse<String> r = post("/echo", HttpRequest.BodyPublishers.ofString("!"));
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).contains("boom");
  }

  @Test
  void keepAliveAndPipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
    start(1 << 20);
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      StringBuilder requests = new StringBuilder();
      for (int i = 1; i <= 3; i++) {
        requests.append("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ").append(i).append("\r\n\r\n")
            .append("a".repeat(i));
      }
      out.write(requests.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answers = readUntil(s.getInputStream(), "\"length\":3}");
      assertThat(answers.indexOf("\"length\":1}")).isLessThan(answers.indexOf("\"length\":2}"));
      assertThat(answers.indexOf("\"length\":2}")).isLessThan(answers.indexOf("\"length\":3}"));
      assertThat(answers).doesNotContain("close");
    }
  }

  @Test
  void metricsAndHealthAreServed() throws Exception {
    registry.counter("test_things").increment();
    health.add("always", () -> true);
    start(1 << 20);
    HttpResponse<String> m = client.send(HttpRequest.newBuilder(uri("/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.body()).contains("test_things_total 1.0");
    HttpResponse<String> h = client.send(HttpRequest.newBuilder(uri("/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(h.statusCode()).isEqualTo(200);
    assertThat(h.body()).contains("\"status\":\"UP\"").contains("\"always\":\"UP\"");
  }

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  /** Reads until the text appears (the socket's read timeout bounds the wait). */
  private static String readUntil(InputStream in, String end) throws Exception {
    StringBuilder seen = new StringBuilder();
    byte[] buf = new byte[4096];
    while (!seen.toString().contains(end)) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      seen.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
    }
    return seen.toString();
  }

  @Test
  void errorBodiesAreTheJsonDatabindWouldWrite() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String message : new String[] {"plain", "quote \" and \\ backslash", "line\nbreak\ttab\u0001", "ünï €", ""}) {
      assertThat(NettyHttpServer.error(message))
          .isEqualTo(mapper.createObjectNode().put("error", message).toString());
      assertThat(mapper.readTree(NettyHttpServer.error(message)).get("error").asText()).isEqualTo(message);
    }
    assertThat(NettyHttpServer.error(null)).isEqualTo("{\"error\":\"null\"}");
  }
}
