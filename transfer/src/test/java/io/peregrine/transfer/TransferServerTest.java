package io.peregrine.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import io.peregrine.common.testing.Closer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;

class TransferServerTest {
  private static final long NOW = 1_800_000_000L;
  private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
  private final Closer closing = new Closer();

  @AfterEach
  void closeAll() throws Exception {
    closing.close();
  }

  @TempDir
  Path queues;

  /** A transfer with disk queues under the test's temp dir. */
  private TransferServer transfer(List<String> graph, List<String> judge, int unused) throws Exception {
    return start(config(graph, judge).withQueue(queues.toString(), 1 << 20, 8L << 20));
  }

  static TransferConfig config(List<String> graph, List<String> judge) {
    return TransferConfig.defaults().withListen("127.0.0.1:0", "127.0.0.1:0").withNodes(graph, judge)
        .withBatching(100, Duration.ofMillis(20), 2).withQueue("", 1 << 20, 0)
        .withJsonRpc("", 4, Duration.ofSeconds(10));
  }

  private TransferServer start(TransferConfig config) throws Exception {
    TransferServer t = closing.later(new TransferServer(config, clock));
    t.start();
    return t;
  }

  private TransferGrpc.TransferBlockingStub client(TransferServer t) {
    ManagedChannel channel = GrpcChannels.forAddress("127.0.0.1:" + t.grpcPort());
    closing.later(() -> GrpcChannels.close(channel));
    return TransferGrpc.newBlockingStub(channel);
  }

  private static SampleBatch batchWithOneBad(int size, int badIndex) {
    SampleBatch.Builder b = SampleBatch.newBuilder();
    for (int i = 0; i < size; i++) {
      Sample s = TestSamples.gauge("host-" + i, "cpu.idle", "", i, NOW);
      b.addSamples(i == badIndex ? s.toBuilder().setStep(0).build() : s);
    }
    return b.build();
  }

  @Test
  void oneBadSampleIsRejectedWithItsReasonAndTheOthersReachGraphAndJudge() throws Exception {
    CountingNode node = closing.later(new CountingNode("127.0.0.1:0"));
    TransferServer t = transfer(List.of("g0=" + node.address()), List.of("j0=" + node.address()), 10_000);

    PushResponse r = client(t).push(batchWithOneBad(1000, 417));

    assertThat(r.getAccepted()).isEqualTo(999);
    assertThat(r.getRejected()).isEqualTo(1);
    assertThat(r.getRejects(0).getIndex()).isEqualTo(417);
    assertThat(r.getRejects(0).getCode()).isEqualTo(RejectCode.BAD_STEP);
    assertThat(r.getRejects(0).getReason()).contains("step 0");
    await().atMost(Duration.ofSeconds(10)).until(() -> node.graph.size() == 999 && node.judge.size() == 999);
    assertThat(node.graph).noneMatch(s -> s.getEndpoint().equals("host-417"));
  }

  @Test
  void sameSeriesAlwaysGoesToTheSameNodeAndLoadIsSpread() throws Exception {
    CountingNode a = closing.later(new CountingNode("127.0.0.1:0"));
    CountingNode b = closing.later(new CountingNode("127.0.0.1:0"));
    TransferServer t = transfer(List.of("g0=" + a.address(), "g1=" + b.address()), List.of(), 10_000);
    TransferGrpc.TransferBlockingStub stub = client(t);
    for (int round = 0; round < 3; round++) {
      SampleBatch.Builder batch = SampleBatch.newBuilder();
      for (int i = 0; i < 200; i++) {
        batch.addSamples(TestSamples.gauge("host-" + i, "load.1min", "", round, NOW - 100 + round));
      }
      assertThat(stub.push(batch.build()).getAccepted()).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> a.graph.size() + b.graph.size() == 600);
    Set<String> onA = a.graph.stream().map(SeriesKey::of).collect(Collectors.toSet());
    Set<String> onB = b.graph.stream().map(SeriesKey::of).collect(Collectors.toSet());
    assertThat(onA).doesNotContainAnyElementsOf(onB);
    assertThat(onA.size() + onB.size()).isEqualTo(200);
    assertThat(onA.size()).isBetween(50, 150);
  }

  @Test
  void samplesWaitWhileANodeIsDownAndArriveWhenItComesBack() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TransferServer t = transfer(List.of("g0=127.0.0.1:" + port), List.of(), 10_000);
    assertThat(client(t).push(batchWithOneBad(50, -1)).getAccepted()).isEqualTo(50);

    CountingNode late = closing.later(new CountingNode("127.0.0.1:" + port));

    await().atMost(Duration.ofSeconds(30)).until(() -> late.graph.size() == 50);
  }

  @Test
  void fullQueueRefusesTheWholeBatchWithResourceExhaustedAndTheOtherDestinationGetsNoDuplicates()
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CountingNode graph = closing.later(new CountingNode("127.0.0.1:0"));
    // judge away, memory only, 20 KiB: a few batches of 100 samples fill judge's queue
    TransferServer t = start(config(List.of("g0=" + graph.address()), List.of("j0=127.0.0.1:" + port))
        .withQueue("", 20 << 10, 0));
    TransferGrpc.TransferBlockingStub stub = client(t);
    int accepted = 0;
    StatusRuntimeException refused = null;
    for (int i = 0; i < 100 && refused == null; i++) {
      try {
        accepted += stub.push(batchWithOneBad(100, -1)).getAccepted();
      } catch (StatusRuntimeException e) {
        refused = e;
      }
    }
    assertThat(refused).isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getStatus().getDescription()).contains("judge").contains("retry later");
    int taken = accepted;
    await().atMost(Duration.ofSeconds(10)).until(() -> graph.graph.size() == taken);
    // graph kept its pace while judge was away, and got nothing of the refused batch
    assertThat(graph.graph).hasSize(taken);
  }

  @Test
  void streamAnswersEachBatchInOrder() throws Exception {
    CountingNode node = closing.later(new CountingNode("127.0.0.1:0"));
    TransferServer t = transfer(List.of("g0=" + node.address()), List.of("j0=" + node.address()), 10_000);
    ManagedChannel channel = GrpcChannels.forAddress("127.0.0.1:" + t.grpcPort());
    closing.later(() -> GrpcChannels.close(channel));
    List<PushResponse> answers = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<SampleBatch> stream = TransferGrpc.newStub(channel).pushStream(new StreamObserver<>() {
      @Override
      public void onNext(PushResponse value) {
        answers.add(value);
      }

      @Override
      public void onError(Throwable t) {
        done.countDown();
      }

      @Override
      public void onCompleted() {
        done.countDown();
      }
    });
    stream.onNext(batchWithOneBad(10, 3));
    stream.onNext(batchWithOneBad(20, -1));
    stream.onCompleted();

    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(answers).extracting(PushResponse::getAccepted).containsExactly(9, 20);
    assertThat(answers.get(0).getRejects(0).getIndex()).isEqualTo(3);
  }

  @Test
  void httpPushAcceptsOpenFalconJsonAndListsRejectsByIndex() throws Exception {
    CountingNode node = closing.later(new CountingNode("127.0.0.1:0"));
    TransferServer t = transfer(List.of("g0=" + node.address()), List.of("j0=" + node.address()), 10_000);
    String body = "[{\"endpoint\":\"h1\",\"metric\":\"cpu.idle\",\"timestamp\":" + NOW
        + ",\"step\":60,\"value\":12.5,\"counterType\":\"GAUGE\",\"tags\":\"b=2,a=1\"},"
        + "{\"endpoint\":\"h1\",\"metric\":\"cpu.idle\",\"timestamp\":" + NOW
        + ",\"step\":60,\"value\":\"abc\",\"counterType\":\"GAUGE\",\"tags\":\"\"}]";
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + t.httpPort() + "/api/push"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"accepted\":1").contains("\"index\":1").contains("BAD_VALUE");
    await().atMost(Duration.ofSeconds(10)).until(() -> node.graph.size() == 1);
    assertThat(node.graph.get(0).getTags()).isEqualTo("a=1,b=2");

    HttpResponse<String> broken = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + t.httpPort() + "/api/push"))
        .POST(HttpRequest.BodyPublishers.ofString("[{\"endpoint\":")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.body()).contains("malformed JSON");
  }

  @Test
  void httpPushIsRefused429WithRetryAfterWhenAQueueIsFullAnd405ForGet() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CountingNode graph = closing.later(new CountingNode("127.0.0.1:0"));
    TransferServer t = start(config(List.of("g0=" + graph.address()), List.of("j0=127.0.0.1:" + port))
        .withQueue("", 20 << 10, 0));
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < 100; i++) {
      body.append(i == 0 ? "" : ",").append("{\"endpoint\":\"h").append(i).append("\",\"metric\":\"cpu.idle\",")
          .append("\"timestamp\":").append(NOW).append(",\"step\":60,\"value\":1,\"counterType\":\"GAUGE\"}");
    }
    body.append("]");
    HttpClient http = HttpClient.newHttpClient();
    URI push = URI.create("http://127.0.0.1:" + t.httpPort() + "/api/push");
    HttpResponse<String> refused = null;
    for (int i = 0; i < 100 && refused == null; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(push)
          .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        refused = r;
      } else {
        assertThat(r.body()).isEqualTo("{\"message\":\"ok\",\"total\":100,\"accepted\":100,\"invalid\":0,"
            + "\"rejects\":[]}");
      }
    }
    assertThat(refused).isNotNull();
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(refused.body()).contains("is full").contains("retry later");

    HttpResponse<String> get = http.send(HttpRequest.newBuilder(push).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void queueGaugesStillReadAfterAGarbageCollection() throws Exception {
    CountingNode node = closing.later(new CountingNode("127.0.0.1:0"));
    TransferServer t = transfer(List.of("g0=" + node.address()), List.of(), 10_000);
    System.gc(); // Micrometer holds a gauge's object weakly: a collected one reads NaN
    assertThat(t.registry().find("transfer_queue_samples").gauge().value()).isEqualTo(0.0);
    assertThat(t.registry().find("transfer_queue_disk_bytes").gauge().value()).isNotNaN();
  }

  @Test
  void metricsEndpointCountsRejectsByCode() throws Exception {
    CountingNode node = closing.later(new CountingNode("127.0.0.1:0"));
    TransferServer t = transfer(List.of("g0=" + node.address()), List.of(), 10_000);
    client(t).push(batchWithOneBad(10, 0));

    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + t.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(r.body()).containsPattern("transfer_rejected_samples_total\\{[^}]*code=\"BAD_STEP\"[^}]*\\} 1");
  }
}
