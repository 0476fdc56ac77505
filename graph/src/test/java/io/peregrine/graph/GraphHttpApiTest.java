package io.peregrine.graph;

import static io.peregrine.graph.GraphFixture.HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.Consolidation;
import io.peregrine.proto.v1.QueryRequest;
import io.peregrine.proto.v1.QueryResponse;
import io.peregrine.proto.v1.SeriesRef;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphHttpApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  GraphFixture graph;

  @BeforeEach
  void start() throws Exception {
    graph = new GraphFixture(dir);
    graph.pushAndWait(List.of(
        TestSamples.gauge("host1", "cpu.idle", "a=1,b=2", 10, HOUR),
        TestSamples.gauge("host1", "cpu.idle", "a=1,b=2", 30, HOUR + 180),
        TestSamples.gauge("host1", "mem.free", "", 5, HOUR),
        TestSamples.gauge("host2", "cpu.idle", "", 7, HOUR)));
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  JsonNode ok(String pathAndQuery) throws Exception {
    HttpResponse<String> r = graph.get(pathAndQuery);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    return JSON.readTree(r.body());
  }

  JsonNode status(String pathAndQuery, int status) throws Exception {
    HttpResponse<String> r = graph.get(pathAndQuery);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }

  @Test
  void queryAnswersTheSamePointsAsGrpc() throws Exception {
    JsonNode body = ok("/api/v1/query?endpoint=host1&metric=cpu.idle&tags=b%3D2,a%3D1&start=" + HOUR + "&end="
        + (HOUR + 180) + "&cf=max");
    QueryResponse grpc = graph.grpc.query(QueryRequest.newBuilder().setSeries(SeriesRef.newBuilder()
        .setEndpoint("host1").setMetric("cpu.idle").setTags("a=1,b=2")).setStart(HOUR).setEnd(HOUR + 180)
        .setConsolidation(Consolidation.MAX).build());

    assertThat(body.get("endpoint").asText()).isEqualTo("host1");
    assertThat(body.get("tags").asText()).isEqualTo("a=1,b=2");
    assertThat(body.get("counterType").asText()).isEqualTo("GAUGE");
    assertThat(body.get("cf").asText()).isEqualTo("MAX");
    assertThat(body.get("step").asInt()).isEqualTo(grpc.getStep()).isEqualTo(60);
    List<String> http = new ArrayList<>();
    body.get("points").forEach(p -> http.add(p.get("timestamp").asLong() + "=" + (p.get("value").isNull() ? "null"
        : p.get("value").asDouble())));
    List<String> expected = grpc.getPointsList().stream()
        .map(p -> p.getTimestamp() + "=" + (Double.isNaN(p.getValue()) ? "null" : p.getValue())).toList();
    assertThat(http).isEqualTo(expected)
        .containsExactly(HOUR + "=10.0", (HOUR + 60) + "=null", (HOUR + 120) + "=null", (HOUR + 180) + "=30.0");
  }

  @Test
  void queryDefaultsToTheLastHourOfTheClock() throws Exception {
    JsonNode body = ok("/api/v1/query?endpoint=host1&metric=mem.free");

    long now = GraphFixture.CLOCK.millis() / 1000;
    assertThat(body.get("end").asLong()).isEqualTo(now);
    assertThat(body.get("start").asLong()).isEqualTo(now - 3600);
    assertThat(body.get("points")).hasSize(61);
  }

  @Test
  void lastAnswersTheNewestSample() throws Exception {
    JsonNode body = ok("/api/v1/last?endpoint=host1&metric=cpu.idle&tags=b=2,a=1");

    assertThat(body.get("timestamp").asLong()).isEqualTo(HOUR + 180);
    assertThat(body.get("value").asDouble()).isEqualTo(30.0);
  }

  @Test
  void seriesListsWithFiltersAndTruncation() throws Exception {
    JsonNode host1 = ok("/api/v1/series?endpoint=host1");
    JsonNode cpu = ok("/api/v1/series?metric_prefix=cpu&limit=1");

    assertThat(host1.get("series")).extracting(n -> n.get("metric").asText()).containsExactly("cpu.idle", "mem.free");
    assertThat(host1.get("series").get(0).get("step").asInt()).isEqualTo(60);
    assertThat(host1.get("truncated").asBoolean()).isFalse();
    assertThat(cpu.get("series")).hasSize(1);
    assertThat(cpu.get("truncated").asBoolean()).isTrue();
  }

  @Test
  void unknownSeriesIs404() throws Exception {
    JsonNode query = status("/api/v1/query?endpoint=nope&metric=cpu.idle", 404);
    JsonNode last = status("/api/v1/last?endpoint=nope&metric=cpu.idle", 404);

    assertThat(query.get("found").asBoolean()).isFalse();
    assertThat(query.get("series").asText()).isEqualTo("nope/cpu.idle/");
    assertThat(last.get("found").asBoolean()).isFalse();
  }

  @Test
  void badParametersAre400NamingTheParameter() throws Exception {
    assertThat(status("/api/v1/query?endpoint=host1&metric=cpu.idle&start=yesterday", 400).get("error").asText())
        .startsWith("start");
    assertThat(status("/api/v1/query?endpoint=host1&metric=cpu.idle&cf=SUM", 400).get("error").asText())
        .startsWith("cf");
    assertThat(status("/api/v1/query?endpoint=host1", 400).get("error").asText()).startsWith("metric");
    assertThat(status("/api/v1/query?endpoint=host1&metric=mem.free&start=200&end=100", 400).get("error").asText())
        .contains("start 200 is after end 100");
    assertThat(status("/api/v1/query?endpoint=host1&metric=mem.free&start=0", 400).get("error").asText())
        .contains("points");
    assertThat(status("/api/v1/query?endpoint=host1&metric=mem.free&resolution=-1", 400).get("error").asText())
        .startsWith("resolution");
    assertThat(status("/api/v1/last?endpoint=host1&metric=cpu.idle&tags=a", 400).get("error").asText())
        .startsWith("tags");
    assertThat(status("/api/v1/series?limit=0", 400).get("error").asText()).startsWith("limit");
    assertThat(status("/api/v1/series?limit=ten", 400).get("error").asText()).startsWith("limit");
    assertThat(graph.get("/api/v1/query/extra").statusCode()).isEqualTo(404);
  }

  @Test
  void otherMethodsAre405() throws Exception {
    HttpResponse<String> r = graph.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        "http://127.0.0.1:" + graph.server.httpPort() + "/api/v1/series")).PUT(
        java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(405);
  }
}
