package io.peregrine.agent.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.agent.ship.SampleQueue;
import io.peregrine.agent.testing.Http;
import io.peregrine.common.http.NettyHttpServer;
import io.peregrine.common.model.Limits;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.server.SelfMetrics;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The push handler over real HTTP with a queue nobody drains. */
class PushHandlerTest {
  private final PrometheusMeterRegistry registry = SelfMetrics.newRegistry("agent-test");
  private NettyHttpServer http;

  @AfterEach
  void tearDown() {
    if (http != null) {
      http.close();
    }
  }

  private void serve(String listen, SampleQueue queue, TrustedCallers trusted) throws Exception {
    http = new NettyHttpServer("agent-http", listen, 2, Limits.MAX_MESSAGE_BYTES,
        Limits.MAX_MESSAGE_BYTES, registry, new HealthChecks())
        .route("/v1/push", new PushHandler(Clock.systemUTC(),
            new SampleValidator(Clock.systemUTC()), "this-host", queue, trusted, registry));
    http.start();
  }

  @Test
  void whatTheFullQueueRefusesIsAnsweredOverloadedByIndex() throws Exception {
    SampleQueue queue = new SampleQueue(5, registry);
    serve("127.0.0.1:0", queue, new TrustedCallers(List.of()));
    long now = System.currentTimeMillis() / 1000;
    String url = "http://127.0.0.1:" + http.port() + "/v1/push";

    HttpResponse<String> r = Http.post(url, Http.items(8, now));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode j = Http.json(r);
    assertThat(j.get("accepted").asInt()).isEqualTo(5);
    assertThat(j.get("rejects")).extracting(n -> n.get("index").asInt()).containsExactly(5, 6, 7);
    assertThat(j.get("rejects")).allSatisfy(n -> assertThat(n.get("code").asText()).isEqualTo("OVERLOADED"));
    assertThat(queue.size()).isEqualTo(5);

    HttpResponse<String> full = Http.post(url, Http.items(2, now));
    assertThat(full.statusCode()).isEqualTo(503);
    assertThat(full.headers().firstValue("Retry-After")).contains("1");
    assertThat(Http.json(full).get("accepted").asInt()).isZero();
    assertThat(registry.get("agent_push_rejected_samples").tag("code", "OVERLOADED").counter().count())
        .isEqualTo(5);
  }

  @Test
  void aCallerNotOnLoopbackNorTrustedIs403() throws Exception {
    InetAddress external = externalAddress().orElseThrow(() -> new AssertionError(
        "this test needs a non-loopback IPv4 address on the machine"));
    SampleQueue queue = new SampleQueue(100, registry);
    serve("0.0.0.0:0", queue, new TrustedCallers(List.of("203.0.113.0/24")));
    long now = System.currentTimeMillis() / 1000;
    HttpResponse<String> r = Http.post("http://" + external.getHostAddress() + ":" + http.port() + "/v1/push",
        Http.items(1, now));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(Http.json(r).get("error").asText()).contains("not trusted");
    assertThat(queue.size()).isZero();
    HttpResponse<String> local = Http.post("http://127.0.0.1:" + http.port() + "/v1/push", Http.items(1, now));
    assertThat(local.statusCode()).isEqualTo(200);
  }

  @Test
  void gzipBodiesOnOneKeptConnectionAreTakenAndOtherMethodsAre405() throws Exception {
    SampleQueue queue = new SampleQueue(100, registry);
    serve("127.0.0.1:0", queue, new TrustedCallers(List.of()));
    long now = System.currentTimeMillis() / 1000;
    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
      gz.write(Http.items(3, now).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", http.port())) {
      java.io.OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 2; i++) { // the same connection twice: keep-alive
        out.write(("POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: "
            + zipped.size() + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(zipped.toByteArray());
      }
      out.flush();
      java.io.InputStream in = socket.getInputStream();
      StringBuilder answers = new StringBuilder();
      while (answers.indexOf("\"accepted\":3", answers.indexOf("\"accepted\":3") + 1) < 0) {
        int c = in.read();
        assertThat(c).as("connection closed before both answers: " + answers).isNotNegative();
        answers.append((char) c);
      }
      assertThat(answers.toString()).startsWith("HTTP/1.1 200");
    }
    assertThat(queue.size()).isEqualTo(6);
    HttpResponse<String> get = Http.get("http://127.0.0.1:" + http.port() + "/v1/push");
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");
  }

  private static Optional<InetAddress> externalAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }
}
