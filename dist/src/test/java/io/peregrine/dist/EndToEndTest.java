package io.peregrine.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.proto.v1.GraphGrpc;
import io.peregrine.proto.v1.LastRequest;
import io.peregrine.proto.v1.LastResponse;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.QueryRequest;
import io.peregrine.proto.v1.QueryResponse;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.SeriesRef;
import io.peregrine.proto.v1.TransferGrpc;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline as all-in-one wires it, over real gRPC on loopback: agent, transfer, graph, judge (with
 * strategies from hbs's SQL store), the in-process alert queue and sender's console channel.
 */
class EndToEndTest {
  @TempDir Path dir;
  private final Lifecycle lifecycle = new Lifecycle("e2e");
  private final Pipeline.Console console = new Pipeline.Console();
  private ManagedChannel transferChannel;
  private ManagedChannel graphChannel;

  @AfterEach
  void stop() {
    if (transferChannel != null) {
      GrpcChannels.close(transferChannel);
    }
    if (graphChannel != null) {
      GrpcChannels.close(graphChannel);
    }
    lifecycle.close();
  }

  @Test
  void goodSamplesAreStoredTheBadOneIsRejectedAndACrossingIsDelivered() throws Exception {
    String host = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
    AllInOne all = new AllInOne(lifecycle, Clock.systemUTC(), console.stream);
    all.start(Pipeline.loopbackConfig(dir, host, Map.of()));

    // the agent heartbeats, hbs puts the host in the demo group, judge pulls the host's strategies
    await().atMost(Duration.ofSeconds(60)).until(() ->
        Pipeline.get(all.judge().httpPort(), "/api/v1/strategies").contains(host));

    long now = System.currentTimeMillis() / 1000;
    transferChannel = Pipeline.channel(all.transfer().grpcPort());
    PushResponse answer = TransferGrpc.newBlockingStub(transferChannel)
        .push(Pipeline.batchWithOneBad(host, now, 500));

    assertThat(answer.getAccepted()).isEqualTo(999);
    assertThat(answer.getRejectsList()).singleElement().satisfies(r -> {
      assertThat(r.getIndex()).isEqualTo(500);
      assertThat(r.getCode()).isEqualTo(RejectCode.BAD_VALUE);
      assertThat(r.getReason()).contains("NaN");
    });

    graphChannel = Pipeline.channel(all.graph().grpcPort());
    GraphGrpc.GraphBlockingStub graph = GraphGrpc.newBlockingStub(graphChannel);
    SeriesRef good = SeriesRef.newBuilder().setEndpoint(host).setMetric("e2e.load").setTags("i=7").build();
    SeriesRef bad = good.toBuilder().setTags("i=500").build();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        graph.last(LastRequest.newBuilder().addSeries(good).build()).getValues(0).getFound());
    LastResponse last = graph.last(LastRequest.newBuilder().addSeries(good).addSeries(bad).build());
    assertThat(last.getValues(0).getPoint().getValue()).isEqualTo(7.0);
    assertThat(last.getValues(1).getFound()).isFalse();

    SeriesRef temperature = SeriesRef.newBuilder().setEndpoint(host).setMetric("demo.temperature")
        .setTags("room=lab").build();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        graph.last(LastRequest.newBuilder().addSeries(temperature).build()).getValues(0).getFound());
    QueryResponse history = graph.query(QueryRequest.newBuilder().setSeries(temperature)
        .setStart(now - 600).setEnd(now + 60).build());
    assertThat(history.getPointsList()).extracting(p -> p.getValue()).contains(95.0, 96.0, 97.0);

    // demo.temperature all(#3) > 90, priority 1, from hbs's demo template
    await().atMost(Duration.ofSeconds(30)).until(() -> console.text().contains("[P1][PROBLEM][" + host + "]"));
    assertThat(console.text()).contains("all(#3) demo.temperature room=lab 97>90");
  }

  @Test
  void thisHostsMetricsFlowFromTheAgentAndTheDemoAlertIsDelivered() throws Exception {
    String host = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
    AllInOne all = new AllInOne(lifecycle, Clock.systemUTC(), console.stream);
    all.start(Pipeline.loopbackConfig(dir, host, Map.of()));

    await().atMost(Duration.ofSeconds(60)).until(() ->
        Pipeline.get(all.graph().httpPort(), "/api/v1/series?endpoint=" + host).contains("mem.memtotal"));
    // agent.alive all(#1) == 1 fires on purpose once the judge has the host's strategies
    await().atMost(Duration.ofSeconds(60)).until(() -> console.text().contains("[P6][PROBLEM][" + host + "]"));
    assertThat(console.text()).contains("agent.alive");
  }
}
