package io.peregrine.graph;

import static io.peregrine.graph.GraphFixture.HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.testing.TestSamples;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulkApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  GraphFixture graph;

  @BeforeEach
  void start() throws Exception {
    graph = new GraphFixture(dir);
    graph.pushAndWait(List.of(TestSamples.gauge("web-1", "cpu.idle", "", 10, HOUR),
        TestSamples.gauge("web-1", "cpu.idle", "", 20, HOUR + 60),
        TestSamples.gauge("web-2", "cpu.idle", "", 30, HOUR),
        TestSamples.gauge("web-2", "net.if.in.bytes", "iface=eth0", 1, HOUR),
        TestSamples.gauge("db-1", "cpu.idle", "", 40, HOUR)));
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  HttpResponse<String> send(String method, String path, String json) throws Exception {
    return graph.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + graph.server.httpPort() + path))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode ok(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void historyOfManySeriesAtOnce() throws Exception {
    JsonNode body = ok(send("POST", "/api/v1/history", "{\"start\":" + HOUR + ",\"end\":" + (HOUR + 60)
        + ",\"cf\":\"AVERAGE\",\"series\":[{\"endpoint\":\"web-1\",\"metric\":\"cpu.idle\"},"
        + "{\"endpoint\":\"web-2\",\"counter\":\"net.if.in.bytes/iface=eth0\"},{\"endpoint\":\"nope\",\"metric\":\"x\"}]}"));

    JsonNode series = body.get("series");
    assertThat(series.get(0).get("points").toString()).isEqualTo("[[" + HOUR + ",10.0],[" + (HOUR + 60) + ",20.0]]");
    assertThat(series.get(1).get("tags").asText()).isEqualTo("iface=eth0");
    assertThat(series.get(1).get("points").get(1).get(1).isNull()).isTrue();
    assertThat(series.get(2).get("found").asBoolean()).isFalse();
  }

  @Test
  void lastOfManySeries() throws Exception {
    JsonNode body = ok(send("POST", "/api/v1/last", "{\"series\":[{\"endpoint\":\"web-1\",\"metric\":\"cpu.idle\"},"
        + "{\"endpoint\":\"db-1\",\"counter\":\"cpu.idle\"}]}"));
    assertThat(body.get("series")).extracting(s -> s.get("value").asDouble()).containsExactly(20.0, 40.0);
    assertThat(body.get("series").get(0).get("timestamp").asLong()).isEqualTo(HOUR + 60);
  }

  @Test
  void endpointsAndCountersByPattern() throws Exception {
    assertThat(ok(send("GET", "/api/v1/endpoints?pattern=%5Eweb", null)).get("endpoints").toString())
        .isEqualTo("[\"web-1\",\"web-2\"]");
    assertThat(ok(send("GET", "/api/v1/endpoints?limit=1", null)).get("truncated").asBoolean()).isTrue();
    assertThat(ok(send("GET", "/api/v1/counters?pattern=net", null)).get("counters").toString())
        .isEqualTo("[\"net.if.in.bytes/iface=eth0\"]");
    JsonNode ofWeb2 = ok(send("GET", "/api/v1/counters?endpoint=web-2", null)).get("counters");
    assertThat(ofWeb2).extracting(c -> c.get("counter").asText()).containsExactly("cpu.idle",
        "net.if.in.bytes/iface=eth0");
  }

  @Test
  void deleteAnEndpointsSeries() throws Exception {
    assertThat(ok(send("DELETE", "/api/v1/series?endpoint=web-2", null)).get("deleted").asInt()).isEqualTo(2);
    assertThat(ok(send("DELETE", "/api/v1/series?endpoint=web-1&metric=cpu.idle&tags=", null)).get("deleted")
        .asInt()).isEqualTo(1);
    assertThat(ok(send("GET", "/api/v1/endpoints", null)).get("endpoints").toString()).isEqualTo("[\"db-1\"]");
    assertThat(send("DELETE", "/api/v1/series", null).statusCode()).as("nothing named").isEqualTo(400);
  }

  @Test
  void badRequestsAreRefusedNamingTheProblem() throws Exception {
    assertThat(send("POST", "/api/v1/history", "{\"series\":[]}").body()).contains("series must be");
    assertThat(send("POST", "/api/v1/history", "not json").statusCode()).isEqualTo(400);
    assertThat(send("POST", "/api/v1/history", "{\"series\":[{\"endpoint\":\"a\"}]}").body())
        .contains("series[0].metric");
    StringBuilder many = new StringBuilder("{\"series\":[");
    for (int i = 0; i < 1_001; i++) {
      many.append(i == 0 ? "" : ",").append("{\"endpoint\":\"a\",\"metric\":\"m\"}");
    }
    assertThat(send("POST", "/api/v1/last", many + "]}").body()).contains("at most 1000");
    assertThat(send("GET", "/api/v1/endpoints?pattern=(", null).statusCode()).isEqualTo(400);
  }
}
