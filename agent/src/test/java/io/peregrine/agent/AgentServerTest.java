package io.peregrine.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.peregrine.agent.testing.Http;
import io.peregrine.agent.testing.RecordingTransfer;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.proto.v1.Sample;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One agent on port 0 shipping to a Transfer stub; its push API over real HTTP. */
class AgentServerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir static Path spool;
  private static RecordingTransfer transfer;
  private static GrpcServerHost transferHost;
  private static AgentServer agent;
  private static String base;
  private static long now;

  @BeforeAll
  static void start() throws Exception {
    transfer = new RecordingTransfer();
    transferHost = transfer.serve(0);
    AgentConfig d = AgentConfig.defaults();
    AgentConfig config = new AgentConfig("test-node", "127.0.0.1:0", List.of("127.0.0.1:" + transferHost.port()),
        "", Duration.ofSeconds(5), d.heartbeatInterval(), "", "", "", 500, Duration.ofMillis(100), 50_000,
        spool.toString(), d.spoolMaxBytes(), Duration.ofSeconds(2), List.of(), 2, d.checksInterval(),
        d.duTimeBudget(), d.pluginRoot(), List.of(), d.pluginConcurrency(), d.hostMetricsPath(), null,
        TlsConfig.off(), null);
    agent = new AgentServer(config, Clock.systemUTC());
    agent.start();
    base = "http://127.0.0.1:" + agent.httpPort();
    now = System.currentTimeMillis() / 1000;
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.close();
    }
    if (transferHost != null) {
      transferHost.close();
    }
  }

  @Test
  void builtInMetricsReachTransferWithTheHostnameAsEndpoint() {
    await().atMost(WAIT).until(() -> transfer.received.stream().anyMatch(s -> s.getMetric().equals("agent.alive")));
    Sample alive = transfer.received.stream().filter(s -> s.getMetric().equals("agent.alive")).findFirst()
        .orElseThrow();
    assertThat(alive.getEndpoint()).isEqualTo("test-node").isEqualTo(agent.hostname());
    assertThat(alive.getStep()).isEqualTo(5);
    assertThat(alive.getValue()).isEqualTo(1);
  }

  @Test
  void aBatchOfAThousandWithOneBadItemAcceptsTheRestAndNamesTheBadOne() throws Exception {
    String body = Http.items(1_000, now).replace("\"value\":1.5,\"counterType\":\"GAUGE\",\"tags\":\"n=417\"",
        "\"value\":\"abc\",\"counterType\":\"GAUGE\",\"tags\":\"n=417\"");
    HttpResponse<String> r = Http.post(base + "/v1/push", body);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode j = Http.json(r);
    assertThat(j.get("total").asInt()).isEqualTo(1_000);
    assertThat(j.get("accepted").asInt()).isEqualTo(999);
    assertThat(j.get("rejects")).hasSize(1);
    assertThat(j.get("rejects").get(0).get("index").asInt()).isEqualTo(417);
    assertThat(j.get("rejects").get(0).get("code").asText()).isEqualTo("BAD_VALUE");
    assertThat(j.get("rejects").get(0).get("reason").asText()).contains("abc");
    await().atMost(WAIT).until(() -> transfer.received.stream().filter(s -> s.getMetric().equals("app.test"))
        .map(Sample::getTags).collect(Collectors.toSet()).size() == 999);
    assertThat(transfer.received).noneMatch(s -> s.getTags().equals("n=417"));
  }

  @Test
  void aBlankBodyIs400() throws Exception {
    HttpResponse<String> r = Http.post(base + "/v1/push", "  \n ");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(Http.json(r).get("error").asText()).isEqualTo("body is blank");
  }

  @Test
  void malformedJsonIs400WithTheParsersMessage() throws Exception {
    HttpResponse<String> r = Http.post(base + "/v1/push", "[{\"endpoint\": \"a\",");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(Http.json(r).get("error").asText()).contains("malformed JSON");
    HttpResponse<String> notArray = Http.post(base + "/v1/push", "42");
    assertThat(notArray.statusCode()).isEqualTo(400);
  }

  @Test
  void aBatchWhereEveryItemIsInvalidIs400WithTheReasons() throws Exception {
    HttpResponse<String> r = Http.post(base + "/v1/push", "[" + Http.item("", "m", now, "1", "") + "]");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(Http.json(r).get("rejects").get(0).get("code").asText()).isEqualTo("MISSING_FIELD");
  }

  @Test
  void moreThanTheBatchLimitIs413() throws Exception {
    HttpResponse<String> r = Http.post(base + "/v1/push", Http.items(10_001, now));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(Http.json(r).get("error").asText()).contains("10000");
  }

  @Test
  void getIsNotAPush() throws Exception {
    assertThat(Http.get(base + "/v1/push").statusCode()).isEqualTo(405);
  }

  @Test
  void healthAndMetricsAreServed() throws Exception {
    HttpResponse<String> health = Http.get(base + "/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(Http.json(health).get("checks").get("queue_not_full").asText()).isEqualTo("UP");
    Http.post(base + "/v1/push", "[" + Http.item("h", "m.x", now, "1", "") + "]");
    String metrics = Http.get(base + "/metrics").body();
    assertThat(metrics).contains("agent_push_accepted_samples_total", "agent_queue_capacity_samples",
        "agent_collected_samples_total{collector=\"agent\"", "agent_spool_bytes");
  }
}
