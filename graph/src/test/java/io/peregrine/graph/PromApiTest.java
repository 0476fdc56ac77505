package io.peregrine.graph;

import static io.peregrine.graph.GraphFixture.HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.Sample;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus read API with the requests Grafana's Prometheus data source sends. */
class PromApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  GraphFixture graph;

  @BeforeEach
  void start() throws Exception {
    graph = new GraphFixture(dir);
    List<Sample> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(TestSamples.gauge("host1", "cpu.idle", "iface=eth0", 10 + i, HOUR + 60L * i));
      batch.add(TestSamples.gauge("host1", "cpu.idle", "iface=lo", 50, HOUR + 60L * i));
      batch.add(TestSamples.gauge("host2", "cpu.idle", "iface=eth1", 70, HOUR + 60L * i));
    }
    batch.add(TestSamples.gauge("host1", "mem.free", "", 5, HOUR));
    graph.pushAndWait(batch);
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  HttpResponse<String> post(String path, String form) throws Exception {
    return graph.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + graph.server.httpPort() + path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode success(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asText()).isEqualTo("success");
    return body.get("data");
  }

  static JsonNode badData(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asText()).isEqualTo("error");
    assertThat(body.get("errorType").asText()).isEqualTo("bad_data");
    return body;
  }

  @Test
  void queryRangeAsGrafanaPostsIt() throws Exception {
    JsonNode data = success(post("/api/v1/query_range", "query=" + enc("cpu_idle{endpoint=\"host1\",iface=~\"eth.*\"}")
        + "&start=" + HOUR + "&end=" + (HOUR + 240) + "&step=60"));

    assertThat(data.get("resultType").asText()).isEqualTo("matrix");
    assertThat(data.get("result")).hasSize(1);
    JsonNode series = data.get("result").get(0);
    assertThat(series.get("metric").toString())
        .isEqualTo("{\"__name__\":\"cpu_idle\",\"endpoint\":\"host1\",\"iface\":\"eth0\"}");
    assertThat(series.get("values").toString()).isEqualTo("[[" + HOUR + ",\"10\"],[" + (HOUR + 60) + ",\"11\"],["
        + (HOUR + 120) + ",\"12\"],[" + (HOUR + 180) + ",\"13\"],[" + (HOUR + 240) + ",\"14\"]]");
  }

  @Test
  void aDayAtTheStepStaysRawDespiteTheLookbackWhenRawRowsHoldADay() throws Exception {
    long d0 = HOUR + 7_200 - 86_400; // the day ending at the fixture's clock
    GraphFixture day = new GraphFixture(GraphConfig.defaults().withListen("127.0.0.1:0", "127.0.0.1:0")
        .withDataDir(dir.resolve("day").toString()).withRawRows(1_440));
    try {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i <= 1_440; i++) {
        samples.add(TestSamples.gauge("host3", "load", "", i, d0 + 60L * i));
      }
      day.pushAndWait(samples);

      JsonNode data = success(day.get("/api/v1/query_range?query=" + enc("load{endpoint=\"host3\"}") + "&start="
          + d0 + "&end=" + (d0 + 86_400) + "&step=60"));

      JsonNode values = data.get("result").get(0).get("values");
      assertThat(values).hasSize(1_441);
      assertThat(values.get(0).toString()).isEqualTo("[" + d0 + ",\"0\"]");
      assertThat(values.get(1).toString()).as("the raw point, not a 5-minute average")
          .isEqualTo("[" + (d0 + 60) + ",\"1\"]");
      assertThat(values.get(1_440).toString()).isEqualTo("[" + (d0 + 86_400) + ",\"1440\"]");
    } finally {
      day.close();
    }
  }

  @Test
  void queryRangeByGetWithRfc3339TimesAndADurationStep() throws Exception {
    String start = java.time.Instant.ofEpochSecond(HOUR).toString();
    String end = java.time.Instant.ofEpochSecond(HOUR + 240).toString();
    JsonNode data = success(graph.get("/api/v1/query_range?query=" + enc("cpu_idle{iface!=\"lo\"}") + "&start="
        + start + "&end=" + end + "&step=2m"));

    assertThat(data.get("result")).extracting(s -> s.get("metric").get("endpoint").asText())
        .containsExactly("host1", "host2");
    assertThat(data.get("result").get(0).get("values").toString()).isEqualTo("[[" + HOUR + ",\"10\"],[" + (HOUR + 120)
        + ",\"12\"],[" + (HOUR + 240) + ",\"14\"]]");
  }

  @Test
  void instantQueryTakesTheNewestPointWithinTheLookback() throws Exception {
    JsonNode data = success(graph.get("/api/v1/query?query=" + enc("{__name__=\"cpu_idle\",endpoint=\"host2\"}")
        + "&time=" + (HOUR + 250)));
    assertThat(data.get("resultType").asText()).isEqualTo("vector");
    assertThat(data.get("result").get(0).get("value").toString()).isEqualTo("[" + (HOUR + 250) + ",\"70\"]");

    JsonNode later = success(post("/api/v1/query", "query=cpu_idle&time=" + (HOUR + 3_600)));
    assertThat(later.get("result")).as("nothing within 5 minutes").isEmpty();
  }

  @Test
  void grafanasDataSourceTestQueryAnswersAScalar() throws Exception {
    JsonNode data = success(graph.get("/api/v1/query?query=" + enc("1+1") + "&time=" + HOUR));
    assertThat(data.get("resultType").asText()).isEqualTo("scalar");
    assertThat(data.get("result").toString()).isEqualTo("[" + HOUR + ",\"2\"]");
  }

  @Test
  void seriesLabelsAndLabelValues() throws Exception {
    JsonNode series = success(graph.get("/api/v1/series?match[]=" + enc("cpu_idle{iface=\"lo\"}") + "&match[]="
        + enc("mem_free") + "&start=" + HOUR + "&end=" + (HOUR + 300)));
    assertThat(series).extracting(JsonNode::toString).containsExactly(
        "{\"__name__\":\"cpu_idle\",\"endpoint\":\"host1\",\"iface\":\"lo\"}",
        "{\"__name__\":\"mem_free\",\"endpoint\":\"host1\"}");

    assertThat(success(graph.get("/api/v1/labels")).toString()).isEqualTo("[\"__name__\",\"endpoint\",\"iface\"]");
    assertThat(success(graph.get("/api/v1/label/__name__/values")).toString())
        .isEqualTo("[\"cpu_idle\",\"mem_free\"]");
    assertThat(success(graph.get("/api/v1/label/iface/values?match[]=" + enc("cpu_idle{endpoint=\"host1\"}")))
        .toString()).isEqualTo("[\"eth0\",\"lo\"]");
    assertThat(success(post("/api/v1/labels", "match[]=" + enc("mem_free"))).toString())
        .isEqualTo("[\"__name__\",\"endpoint\"]");
  }

  @Test
  void unsupportedPromqlAndBadParametersAreBadData() throws Exception {
    assertThat(badData(graph.get("/api/v1/query?query=" + enc("rate(cpu_idle[5m])"))).get("error").asText())
        .contains("instant vector selectors only");
    assertThat(badData(graph.get("/api/v1/query?query=" + enc("sum by (endpoint) (cpu_idle)"))).get("error")
        .asText()).contains("not supported");
    badData(graph.get("/api/v1/query?query=" + enc("cpu_idle[5m]")));
    badData(graph.get("/api/v1/query?query=" + enc("cpu_idle{iface=~\"(\"}")));
    assertThat(badData(graph.get("/api/v1/query_range?query=cpu_idle&start=" + HOUR + "&end=" + (HOUR + 60)))
        .get("error").asText()).contains("step");
    assertThat(badData(graph.get("/api/v1/query_range?query=cpu_idle&start=" + HOUR + "&end=" + (HOUR + 86_400)
        + "&step=1")).get("error").asText()).contains("11,000 points");
    assertThat(badData(graph.get("/api/v1/query_range?query=cpu_idle&start=yesterday&end=1&step=1"))
        .get("error").asText()).contains("\"start\"");
    badData(post("/api/v1/series", "start=" + HOUR)); // no match[]
    badData(graph.get("/api/v1/query?query=" + enc("{iface=~\".*\"}")));
  }

  @Test
  void graphsOwnRoutesStillAnswerOnTheSharedPaths() throws Exception {
    HttpResponse<String> r = graph.get("/api/v1/query?endpoint=host1&metric=mem.free&start=" + HOUR + "&end=" + HOUR);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("points").get(0).get("value").asDouble()).isEqualTo(5.0);
    assertThat(JSON.readTree(graph.get("/api/v1/series?endpoint=host2").body()).get("series")).hasSize(1);
  }
}
