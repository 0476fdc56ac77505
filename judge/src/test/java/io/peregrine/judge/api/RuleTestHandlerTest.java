package io.peregrine.judge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.server.HttpServerHost;
import io.peregrine.common.server.SelfMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/rules/test} on a real HTTP server: the rule test file as JSON in, what fired out. */
class RuleTestHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STRATEGY = "{\"id\": 7, \"metric\": \"cpu.idle\", \"func\": \"all(#3)\", "
      + "\"operator\": \"<\", \"rightValue\": 10, \"maxStep\": 3, \"priority\": 2, \"hosts\": [\"host1\"]}";
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private HttpServerHost host;

  @BeforeEach
  void start() throws Exception {
    host = new HttpServerHost("judge-http", "127.0.0.1:0", 2, SelfMetrics.newRegistry("judge"), new HealthChecks())
        .route(RuleTestHandler.PATH, new RuleTestHandler());
    host.start();
  }

  @AfterEach
  void stop() {
    host.close();
  }

  private HttpResponse<String> post(String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.port() + RuleTestHandler.PATH))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void sampleInputFiresAndRecovers() throws Exception {
    HttpResponse<String> r = post("{\"strategies\": [" + STRATEGY + "], \"tests\": [{\"name\": \"low idle\", "
        + "\"series\": [{\"endpoint\": \"host1\", \"metric\": \"cpu.idle\", \"values\": \"50 5 4 3 50\"}], "
        + "\"expect\": [{\"at\": 180, \"status\": \"PROBLEM\"}]}]}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("tests").asInt()).isEqualTo(1);
    assertThat(body.get("events")).extracting(e -> e.get("event").get("status").asText())
        .containsExactly("PROBLEM", "OK");
    assertThat(body.get("events").get(0).get("at").asLong()).isEqualTo(180);
    assertThat(body.get("events").get(0).get("event").get("leftValue").asDouble()).isEqualTo(3);
    // the OK was not expected: the test fails and says why
    assertThat(body.get("passed").asBoolean()).isFalse();
    assertThat(body.get("failures").get(0).asText()).contains("event 2 raised but not expected");
  }

  @Test
  void aStrategyTheJudgeCannotRunIsAFailure() throws Exception {
    JsonNode body = JSON.readTree(post("{\"strategies\": [" + STRATEGY.replace("all(#3)", "nodata(99h)")
        + "], \"tests\": [{\"series\": [{\"endpoint\": \"host1\", \"metric\": \"cpu.idle\", \"values\": \"1\"}]}]}")
        .body());
    assertThat(body.get("passed").asBoolean()).isFalse();
    assertThat(body.get("failures").get(0).asText()).contains("cannot be judged");
  }

  @Test
  void badRequestsAreRefusedWithTheirReason() throws Exception {
    HttpResponse<String> unknown = post("{\"strategies\": [], \"tests\": [{}], \"bogus\": 1}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("bogus");
    assertThat(post("{\"strategies\": []}").body()).contains("names no tests");
    assertThat(post("not json").statusCode()).isEqualTo(400);
    assertThat(post("{\"tests\": [" + "{},".repeat(RuleTestHandler.MAX_TESTS) + "{}]}").body())
        .contains("at most " + RuleTestHandler.MAX_TESTS);
    assertThat(post("{\"tests\": [{\"series\": [{\"endpoint\": \"h\", \"metric\": \"m\", \"values\": \"1 x 2\"}]}]}")
        .body()).contains("token 2 'x' is not a number");
    assertThat(post("x".repeat(RuleTestHandler.MAX_BODY_BYTES + 1)).statusCode()).isEqualTo(413);
    HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.port()
        + RuleTestHandler.PATH)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
  }
}
