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
import io.peregrine.proto.v1.CounterType;
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

/** POST /v1/push with Prometheus text 0.0.4 over real HTTP: samples mapped, bad lines refused one by one. */
class PromTextPushTest {
  private final PrometheusMeterRegistry registry = SelfMetrics.newRegistry("agent-test");
  private final SampleQueue queue = new SampleQueue(20_000, registry);
  private NettyHttpServer http;

  @BeforeEach
  void serve() throws Exception {
    SampleValidator validator = new SampleValidator(Clock.systemUTC());
    http = new NettyHttpServer("agent-http", "127.0.0.1:0", 2, Limits.MAX_MESSAGE_BYTES,
        Limits.MAX_MESSAGE_BYTES, registry, new HealthChecks())
        .route("/v1/push", new PushHandler(Clock.systemUTC(), validator, "this-host", queue,
            new TrustedCallers(List.of()), registry));
    http.start();
  }

  @AfterEach
  void tearDown() {
    http.close();
  }

  HttpResponse<String> push(String query, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + http.port() + "/v1/push" + query))
        .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  List<Sample> queued() {
    List<Sample> out = new ArrayList<>();
    queue.drainTo(out, Integer.MAX_VALUE);
    return out;
  }

  @Test
  void samplesAreMappedToOpenFalconWithTypesTagsAndTimestamps() throws Exception {
    long nowMs = System.currentTimeMillis();
    String body = """
        # HELP http_requests_total Requests served.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 %d
        http_requests_total{code="400",method="post", } 3 %d
        # TYPE queue_depth gauge
        queue_depth{endpoint="db-7",queue="a b\\"c\\\\"} 4.5
        # a comment line
        untyped_thing -1.5e3
        # TYPE rpc_seconds histogram
        rpc_seconds_bucket{le="+Inf"} 10
        rpc_seconds_sum 2.5
        rpc_seconds_count 10
        # TYPE lat summary
        lat{quantile="0.99"} 0.2
        empty_label{job=""} 1
        """.formatted(nowMs, nowMs);

    HttpResponse<String> r = push("?step=30", body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode j = Http.json(r);
    assertThat(j.get("total").asInt()).isEqualTo(9);
    assertThat(j.get("accepted").asInt()).isEqualTo(9);
    List<Sample> q = queued();
    assertThat(q).extracting(s -> s.getEndpoint() + "/" + s.getMetric() + "/" + s.getTags() + " "
        + s.getCounterType() + " " + s.getValue()).containsExactly(
        "this-host/http_requests_total/code=200,method=post COUNTER 1027.0",
        "this-host/http_requests_total/code=400,method=post COUNTER 3.0",
        "db-7/queue_depth/queue=a b\"c\\ GAUGE 4.5",
        "this-host/untyped_thing/ GAUGE -1500.0",
        "this-host/rpc_seconds_bucket/le=+Inf COUNTER 10.0",
        "this-host/rpc_seconds_sum/ COUNTER 2.5",
        "this-host/rpc_seconds_count/ COUNTER 10.0",
        "this-host/lat/quantile=0.99 GAUGE 0.2",
        "this-host/empty_label/ GAUGE 1.0");
    assertThat(q).allSatisfy(s -> assertThat(s.getStep()).isEqualTo(30));
    assertThat(q.get(0).getTimestamp()).isEqualTo(nowMs / 1000);
    assertThat(q.get(2).getTimestamp()).as("no timestamp: now").isBetween(nowMs / 1000 - 5,
        nowMs / 1000 + 5);
    assertThat(q.get(0).getCounterType()).isEqualTo(CounterType.COUNTER);
  }

  @Test
  void eachBadLineIsRefusedByItsLineNumberAndTheRestAccepted() throws Exception {
    String body = String.join("\n",
        "good_one 1",                      // 1
        "bad-name 1",                      // 2
        "no_value",                        // 3
        "bad_value{a=\"b\"} one",          // 4
        "not_closed{a=\"b\" 1",            // 5
        "comma_in_value{a=\"x,y\"} 1",     // 6
        "nan_value NaN",                   // 7
        "bad_ts 1 yesterday",              // 8
        "",                                // 9
        "good_two{x=\"1\"} 2 ");           // 10

    HttpResponse<String> r = push("", body);

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode j = Http.json(r);
    assertThat(j.get("total").asInt()).isEqualTo(9);
    assertThat(j.get("accepted").asInt()).isEqualTo(2);
    assertThat(j.get("rejects")).extracting(n -> n.get("index").asInt() + ":" + n.get("code").asText())
        .containsExactly("2:BAD_CHARACTER", "3:MISSING_FIELD", "4:BAD_VALUE", "5:BAD_TAGS", "6:BAD_CHARACTER",
            "7:BAD_VALUE", "8:BAD_TIMESTAMP");
    assertThat(j.get("rejects")).allSatisfy(n -> assertThat(n.get("reason").asText()).startsWith("line "));
    assertThat(queued()).extracting(Sample::getMetric).containsExactly("good_one", "good_two");
    assertThat(queued()).isEmpty();
  }

  @Test
  void limitsAndBadParametersAreRefusedWhole() throws Exception {
    assertThat(push("?step=0", "x 1").statusCode()).isEqualTo(400);
    assertThat(Http.json(push("?step=abc", "x 1")).get("error").asText()).contains("step");
    StringBuilder big = new StringBuilder();
    for (int i = 0; i <= 10_000; i++) {
      big.append("m{i=\"").append(i).append("\"} 1\n");
    }
    HttpResponse<String> r = push("", big.toString());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(queued()).isEmpty();
    assertThat(push("", "only_bad- 1").statusCode()).as("nothing valid").isEqualTo(400);
  }
}
