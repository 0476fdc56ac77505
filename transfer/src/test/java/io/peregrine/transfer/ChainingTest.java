package io.peregrine.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.TestSamples;
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
import java.util.List;
import io.peregrine.common.testing.Closer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaining (Open-Falcon's proxy role): an edge transfer forwards everything to an upstream transfer over real
 * loopback gRPC, which routes it to graph. Samples arrive intact and counted at each hop; with the upstream stopped
 * the edge keeps taking samples into its disk queue, and once an upstream runs again on that address every one of
 * them arrives, once.
 */
class ChainingTest {
  private static final long NOW = 1_800_000_000L;
  private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
  private final Closer closing = new Closer();

  @TempDir
  Path edgeQueue;
  @TempDir
  Path upstreamQueue;

  @AfterEach
  void closeAll() throws Exception {
    closing.close();
  }

  private TransferServer upstream(String grpcListen, String graph) throws Exception {
    TransferServer t = new TransferServer(TransferServerTest.config(List.of("g0=" + graph), List.of())
        .withListen(grpcListen, "127.0.0.1:0").withQueue(upstreamQueue.toString(), 1 << 20, 8L << 20), clock);
    t.start();
    return t;
  }

  private static List<Sample> samples(String prefix, int n) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TestSamples.gauge(prefix + "-" + (i % 37), "cpu.idle", "core=" + (i % 4) + ",dc=eu", i + 0.25,
          NOW - 60 * (i / 37)));
    }
    return out;
  }

  private static void push(TransferGrpc.TransferBlockingStub stub, List<Sample> samples) {
    for (int i = 0; i < samples.size(); i += 100) {
      SampleBatch batch = SampleBatch.newBuilder().addAllSamples(samples.subList(i, Math.min(samples.size(),
          i + 100))).build();
      assertThat(stub.push(batch).getAccepted()).isEqualTo(batch.getSamplesCount());
    }
  }

  private static double counter(MeterRegistry r, String name, String tag, String value) {
    return r.find(name).tag(tag, value).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void edgeForwardsEverythingToTheUpstreamIntactAndCountedAndLosesNothingWhileTheUpstreamIsDown()
      throws Exception {
    CountingNode graph = closing.later(new CountingNode("127.0.0.1:0"));
    TransferServer up = closing.later(upstream("127.0.0.1:0", graph.address()));
    int upPort = up.grpcPort();
    TransferServer edge = closing.later(new TransferServer(TransferServerTest.config(List.of(), List.of())
        .withUpstream(List.of("up0=127.0.0.1:" + upPort)).withQueue(edgeQueue.toString(), 1 << 20, 64L << 20),
        clock));
    edge.start();
    ManagedChannel channel = GrpcChannels.forAddress("127.0.0.1:" + edge.grpcPort());
    closing.later(() -> GrpcChannels.close(channel));
    TransferGrpc.TransferBlockingStub stub = TransferGrpc.newBlockingStub(channel);

    // 1. through both hops: gRPC and HTTP JSON into the edge
    List<Sample> first = samples("grpc", 500);
    push(stub, first);
    String json = "[{\"endpoint\":\"json-1\",\"metric\":\"mem.free\",\"timestamp\":" + NOW + ",\"step\":60,"
        + "\"value\":7.5,\"counterType\":\"GAUGE\",\"tags\":\"z=1,a=2\"}]";
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + edge.httpPort() + "/api/push"))
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    List<Sample> expected = new ArrayList<>(first);
    expected.add(TestSamples.gauge("json-1", "mem.free", "a=2,z=1", 7.5, NOW));

    await().atMost(Duration.ofSeconds(20)).until(() -> graph.graph.size() >= expected.size());
    assertThat(graph.graph).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(counter(edge.registry(), "transfer_sent_samples", "cluster", "upstream")).isEqualTo(501);
    assertThat(counter(up.registry(), "transfer_received_samples", "ingress", "grpc")).isEqualTo(501);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> counter(up.registry(), "transfer_sent_samples", "cluster", "graph") == 501);

    // 2. the upstream goes away; the edge keeps accepting into its queue
    up.close();
    List<Sample> second = samples("later", 700);
    push(stub, second);
    await().atMost(Duration.ofSeconds(10)).until(() -> edge.registry().find("transfer_destination_stuck_seconds")
        .gauge().value() > 0);
    assertThat(graph.graph).hasSize(501);

    // 3. an upstream on the same address again: everything queued arrives, once
    TransferServer again = closing.later(upstream("127.0.0.1:" + upPort, graph.address()));
    expected.addAll(second);
    await().atMost(Duration.ofSeconds(30)).until(() -> graph.graph.size() >= expected.size());
    assertThat(graph.graph).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(counter(edge.registry(), "transfer_sent_samples", "cluster", "upstream")).isEqualTo(1201);
    assertThat(counter(again.registry(), "transfer_received_samples", "ingress", "grpc")).isEqualTo(700);
    assertThat(edge.registry().find("transfer_dropped_samples").counters()).allMatch(c -> c.count() == 0);
  }
}
