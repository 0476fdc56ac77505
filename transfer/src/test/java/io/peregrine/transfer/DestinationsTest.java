package io.peregrine.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.GraphGrpc;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import io.peregrine.common.testing.Closer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Destinations are independent, survive a restart on their disk queues, and isolate a poison sample. */
class DestinationsTest {
  private static final long NOW = 1_800_000_000L;
  private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
  private final Closer closing = new Closer();

  @TempDir
  Path queues;

  @AfterEach
  void closeAll() throws Exception {
    closing.close();
  }

  private TransferServer start(TransferConfig config) throws Exception {
    TransferServer t = new TransferServer(config, clock);
    t.start();
    return t;
  }

  private TransferConfig config(List<String> graph, List<String> judge) {
    return TransferServerTest.config(graph, judge).withQueue(queues.toString(), 64 << 10, 64L << 20);
  }

  private TransferGrpc.TransferBlockingStub client(int port) {
    ManagedChannel channel = GrpcChannels.forAddress("127.0.0.1:" + port);
    closing.later(() -> GrpcChannels.close(channel));
    return TransferGrpc.newBlockingStub(channel);
  }

  /** 20 series x {@code rounds} points, timestamps rising per series. */
  private static List<SampleBatch> rounds(int rounds) {
    List<SampleBatch> out = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      SampleBatch.Builder b = SampleBatch.newBuilder();
      for (int s = 0; s < 20; s++) {
        b.addSamples(TestSamples.gauge("host-" + s, "cpu.idle", "", r, NOW - 10_000 + r));
      }
      out.add(b.build());
    }
    return out;
  }

  private static void assertInOrderPerSeries(List<Sample> got, int rounds) {
    Map<String, List<Long>> bySeries = new LinkedHashMap<>();
    for (Sample s : got) {
      bySeries.computeIfAbsent(s.getEndpoint(), k -> new ArrayList<>()).add(s.getTimestamp());
    }
    assertThat(bySeries).hasSize(20);
    for (List<Long> ts : bySeries.values()) {
      assertThat(ts).hasSize(rounds).isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void judgeAwayNeverHoldsUpGraphAndGetsEverythingInOrderWhenBack() throws Exception {
    CountingNode graph = closing.later(new CountingNode("127.0.0.1:0"));
    CountingNode judgeFirst = new CountingNode("127.0.0.1:0");
    int judgePort = judgeFirst.port();
    judgeFirst.close(); // judge is away; its port is known so it can come back on it
    TransferServer t = closing.later(start(config(List.of("g0=" + graph.address()),
        List.of("j0=127.0.0.1:" + judgePort))));
    TransferGrpc.TransferBlockingStub stub = client(t.grpcPort());
    for (SampleBatch b : rounds(200)) {
      assertThat(stub.push(b).getAccepted()).isEqualTo(20);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> graph.graph.size() == 4000);
    // /health names the stuck destination and since when
    HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + t.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.body()).contains("destination.judge").contains("stuck since").contains("UNAVAILABLE");

    CountingNode judge = closing.later(new CountingNode("127.0.0.1:" + judgePort));
    await().atMost(Duration.ofSeconds(30)).until(() -> judge.judge.size() >= 4000);
    assertThat(judge.judge).hasSize(4000);
    assertInOrderPerSeries(judge.judge, 200);
    assertInOrderPerSeries(graph.graph, 200);
  }

  @Test
  void whatADestinationDidNotGetBeforeAStopIsDeliveredAfterTheRestart() throws Exception {
    CountingNode away = new CountingNode("127.0.0.1:0");
    int port = away.port();
    away.close();
    TransferServer first = start(config(List.of("g0=127.0.0.1:" + port), List.of())
        .withQueue(queues.toString(), 4 << 10, 64L << 20)); // most of it on disk only
    TransferGrpc.TransferBlockingStub stub = client(first.grpcPort());
    for (SampleBatch b : rounds(100)) {
      stub.push(b);
    }
    first.close();

    CountingNode graph = closing.later(new CountingNode("127.0.0.1:" + port));
    closing.later(start(config(List.of("g0=127.0.0.1:" + port), List.of())));
    await().atMost(Duration.ofSeconds(30)).until(() -> graph.graph.size() >= 2000);
    assertThat(graph.graph).hasSize(2000);
    assertInOrderPerSeries(graph.graph, 100);
  }

  @Test
  void aNodeFailingABatchWithInternalGetsItSplitAndOnlyThePoisonSampleIsDropped() throws Exception {
    List<Sample> stored = new CopyOnWriteArrayList<>();
    GrpcServerHost node = closing.later(new GrpcServerHost("poison-node", "127.0.0.1:0", 2,
        List.of(new GraphGrpc.GraphImplBase() {
          @Override
          public void push(SampleBatch batch, StreamObserver<PushResponse> out) {
            if (batch.getSamplesList().stream().anyMatch(s -> s.getMetric().equals("poison"))) {
              out.onError(Status.INTERNAL.withDescription("cannot store poison").asRuntimeException());
              return;
            }
            stored.addAll(batch.getSamplesList());
            out.onNext(PushResponse.newBuilder().setAccepted(batch.getSamplesCount()).build());
            out.onCompleted();
          }
        })));
    node.start();
    TransferServer t = closing.later(start(config(List.of("g0=127.0.0.1:" + node.port()), List.of())
        .withBatching(100, Duration.ofMillis(20), 1)));
    SampleBatch.Builder b = SampleBatch.newBuilder();
    for (int i = 0; i < 64; i++) {
      b.addSamples(TestSamples.gauge("host-" + i, i == 37 ? "poison" : "cpu.idle", "", i, NOW));
    }
    assertThat(client(t.grpcPort()).push(b.build()).getAccepted()).isEqualTo(64);

    await().atMost(Duration.ofSeconds(20)).until(() -> stored.size() == 63);
    await().atMost(Duration.ofSeconds(5)).until(() -> t.registry().scrape()
        .matches("(?s).*transfer_dropped_samples_total\\{[^}]*reason=\"status_internal\"[^}]*\\} 1\\.0.*"));
    assertThat(stored).noneMatch(s -> s.getMetric().equals("poison"));
    assertThat(t.registry().scrape()).containsPattern("transfer_split_batches_total\\{[^}]*\\} [1-9]");
  }
}
