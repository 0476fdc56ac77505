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
import io.peregrine.proto.v1.Sample;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /v1/push with OpenMetrics text 1.0 over real HTTP: families, _created, units, exemplars, # EOF. */
class OpenMetricsPushTest {
  private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  private final PrometheusMeterRegistry registry = SelfMetrics.newRegistry("agent-test");
  private final SampleQueue queue = new SampleQueue(1_000, registry);
  private NettyHttpServer http;

  @BeforeEach
  void serve() throws Exception {
    SampleValidator validator = new SampleValidator(Clock.systemUTC());
    http = new NettyHttpServer("agent-http", "127.0.0.1:0", 2, Limits.MAX_MESSAGE_BYTES, Limits.MAX_MESSAGE_BYTES,
        registry, new HealthChecks())
        .route("/v1/push", new PushHandler(Clock.systemUTC(), validator, "this-host", queue,
            new TrustedCallers(List.of()), registry));
    http.start();
  }

  @AfterEach
  void tearDown() {
    http.close();
  }

  HttpResponse<String> push(String contentType, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + http.port() + "/v1/push?step=15"))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  List<Sample> queued() {
    List<Sample> out = new ArrayList<>();
    queue.drainTo(out, Integer.MAX_VALUE);
    return out;
  }

  @Test
  void familiesMapToOpenFalconAndCreatedUnitsExemplarsAreIgnored() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String body = """
        # TYPE http_requests counter
        # UNIT http_requests requests
        # HELP http_requests Requests served.
        http_requests_total{code="200"} 1027 %d.250 # {trace_id="abc"} 1.0 %d.1
        http_requests_created{code="200"} 1.7e9
        # TYPE rpc_seconds histogram
        # UNIT rpc_seconds seconds
        rpc_seconds_bucket{le="0.5"} 7
        rpc_seconds_bucket{le="+Inf"} 10 # {trace_id="def"} 0.7
        rpc_seconds_count 10
        rpc_seconds_sum 2.5
        rpc_seconds_created 1.7e9
        # TYPE temperature gauge
        temperature{room="a"} 21.5
        # TYPE build info
        build_info{version="1.2"} 1
        # EOF
        """.formatted(now, now);

    HttpResponse<String> r = push(OPENMETRICS, body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode j = Http.json(r);
    assertThat(j.get("total").asInt()).as("_created lines are not samples").isEqualTo(7);
    assertThat(j.get("accepted").asInt()).isEqualTo(7);
    List<Sample> q = queued();
    assertThat(q).extracting(s -> s.getMetric() + "/" + s.getTags() + " " + s.getCounterType() + " "
        + s.getValue()).containsExactly(
        "http_requests_total/code=200 COUNTER 1027.0",
        "rpc_seconds_bucket/le=0.5 COUNTER 7.0",
        "rpc_seconds_bucket/le=+Inf COUNTER 10.0",
        "rpc_seconds_count/ COUNTER 10.0",
        "rpc_seconds_sum/ COUNTER 2.5",
        "temperature/room=a GAUGE 21.5",
        "build_info/version=1.2 GAUGE 1.0");
    assertThat(q.get(0).getTimestamp()).as("seconds with a fraction, floored").isEqualTo(now);
    assertThat(q.get(1).getTimestamp()).as("no timestamp: now").isBetween(now - 5, now + 5);
    assertThat(q).allSatisfy(s -> {
      assertThat(s.getStep()).isEqualTo(15);
      assertThat(s.getEndpoint()).isEqualTo("this-host");
    });
  }

  @Test
  void linesAfterEofAndBadTimestampsAreRefusedByLineNumber() throws Exception {
    String body = String.join("\n",
        "good 1",               // 1
        "ms_timestamp 1 -5",    // 2: seconds must be after 1970
        "words 1 soon",         // 3
        "# EOF",                // 4
        "late 1");              // 5

    HttpResponse<String> r = push(OPENMETRICS, body);

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode j = Http.json(r);
    assertThat(j.get("accepted").asInt()).isEqualTo(1);
    assertThat(j.get("rejects")).extracting(n -> n.get("index").asInt() + ":" + n.get("code").asText())
        .containsExactly("2:BAD_TIMESTAMP", "3:BAD_TIMESTAMP", "5:BAD_VALUE");
    assertThat(j.get("rejects").get(2).get("reason").asText()).contains("# EOF");
    assertThat(queued()).extracting(Sample::getMetric).containsExactly("good");
  }

  @Test
  void theSameBodyAsPrometheusTextKeepsItsCreatedLineAndReadsMilliseconds() throws Exception {
    long nowMs = System.currentTimeMillis();
    String body = "# TYPE c counter\nc_total 3 " + nowMs + "\nc_created 1.7e9\n";

    HttpResponse<String> r = push("text/plain; version=0.0.4", body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<Sample> q = queued();
    assertThat(q).extracting(s -> s.getMetric() + " " + s.getCounterType()).containsExactly(
        "c_total GAUGE", "c_created GAUGE");
    assertThat(q.get(0).getTimestamp()).isEqualTo(nowMs / 1000);
  }
}
