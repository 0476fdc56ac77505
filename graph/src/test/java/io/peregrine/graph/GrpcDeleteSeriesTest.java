package io.peregrine.graph;

import static io.peregrine.graph.GraphFixture.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.DeleteSeriesRequest;
import io.peregrine.proto.v1.ListSeriesRequest;
import io.peregrine.proto.v1.QueryRequest;
import io.peregrine.proto.v1.SeriesInfo;
import io.peregrine.proto.v1.SeriesRef;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graph.DeleteSeries over real loopback gRPC: the same selections and errors as HTTP DELETE /api/v1/series. */
class GrpcDeleteSeriesTest {
  @TempDir Path dir;
  GraphFixture graph;

  @BeforeEach
  void start() throws Exception {
    graph = new GraphFixture(dir);
    graph.pushAndWait(List.of(
        TestSamples.gauge("h1", "cpu.idle", "", 1, HOUR),
        TestSamples.gauge("h1", "net.if.in", "iface=eth0", 1, HOUR),
        TestSamples.gauge("h1", "net.if.in", "iface=eth1", 1, HOUR),
        TestSamples.gauge("h1", "net.if.in", "", 1, HOUR),
        TestSamples.gauge("h2", "cpu.idle", "", 1, HOUR),
        TestSamples.gauge("h2", "mem.free", "", 1, HOUR)));
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  int delete(DeleteSeriesRequest.Builder request) {
    return graph.grpc.deleteSeries(request.build()).getDeleted();
  }

  List<String> remaining() {
    return graph.grpc.listSeries(ListSeriesRequest.getDefaultInstance()).getSeriesList().stream()
        .map(SeriesInfo::getSeries).map(s -> s.getEndpoint() + "/" + s.getMetric() + "/" + s.getTags()).toList();
  }

  @Test
  void deletesOneTagSetAMetricOnEveryEndpointAndAWholeEndpoint() {
    assertThat(delete(DeleteSeriesRequest.newBuilder().setEndpoint("h1").setMetric("net.if.in")
        .setTags("iface=eth0"))).isEqualTo(1);
    assertThat(delete(DeleteSeriesRequest.newBuilder().setEndpoint("h1").setMetric("net.if.in").setTags("")))
        .as("tags set to empty: only the series without tags").isEqualTo(1);
    assertThat(remaining()).containsExactly("h1/cpu.idle/", "h1/net.if.in/iface=eth1", "h2/cpu.idle/",
        "h2/mem.free/");

    assertThat(delete(DeleteSeriesRequest.newBuilder().setMetric("cpu.idle"))).as("a metric on every endpoint")
        .isEqualTo(2);
    assertThat(delete(DeleteSeriesRequest.newBuilder().setEndpoint("h1"))).as("what is left of h1").isEqualTo(1);
    assertThat(delete(DeleteSeriesRequest.newBuilder().setEndpoint("h1"))).as("nothing left").isZero();
    assertThat(remaining()).containsExactly("h2/mem.free/");

    assertThat(graph.grpc.query(QueryRequest.newBuilder().setSeries(SeriesRef.newBuilder().setEndpoint("h1")
        .setMetric("cpu.idle")).setStart(HOUR).setEnd(HOUR + 60).build()).getFound()).isFalse();
    assertThat(graph.server.registry().get("graph_deleted_series").tag("reason", "api").counter().count())
        .isEqualTo(5.0);
    assertThat(graph.server.registry().get("graph_query").tag("api", "delete").tag("transport", "grpc")
        .tag("outcome", "ok").timer().count()).isEqualTo(5);
  }

  @Test
  void aDeletedSeriesStartsAfreshWhenPushedAgain() {
    delete(DeleteSeriesRequest.newBuilder().setEndpoint("h2").setMetric("mem.free"));
    graph.pushAndWait(List.of(TestSamples.gauge("h2", "mem.free", "", 7, HOUR + 60)));
    var r = graph.grpc.query(QueryRequest.newBuilder().setSeries(SeriesRef.newBuilder().setEndpoint("h2")
        .setMetric("mem.free")).setStart(HOUR).setEnd(HOUR + 60).build());
    assertThat(r.getFound()).isTrue();
    assertThat(r.getPointsList()).extracting(p -> p.getValue()).containsExactly(Double.NaN, 7.0);
  }

  @Test
  void badSelectionsAreInvalidArgumentNamingTheField() {
    assertInvalid(DeleteSeriesRequest.newBuilder(), "endpoint or metric is required");
    assertInvalid(DeleteSeriesRequest.newBuilder().setEndpoint("h1").setTags("iface=eth0"), "tags needs metric");
    assertInvalid(DeleteSeriesRequest.newBuilder().setEndpoint("h1").setMetric("net.if.in").setTags("iface"),
        "tags:");
    assertThat(remaining()).as("nothing was deleted").hasSize(6);
  }

  private void assertInvalid(DeleteSeriesRequest.Builder request, String message) {
    assertThatThrownBy(() -> delete(request)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
  }
}
