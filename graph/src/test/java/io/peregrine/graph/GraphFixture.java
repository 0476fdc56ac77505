package io.peregrine.graph;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.Counter;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.proto.v1.GraphGrpc;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** A started graph on loopback port 0 over a temp directory, with a gRPC client and an HTTP client. */
final class GraphFixture implements AutoCloseable {
  /** A whole hour (and so a multiple of every archive step of a 60 s series up to 20 steps). */
  static final long HOUR = 1_699_999_200L;
  /** The injected clock: samples around HOUR are in the past, never "in the future". */
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(HOUR + 7_200), ZoneOffset.UTC);

  final GraphServer server;
  final ManagedChannel channel;
  final GraphGrpc.GraphBlockingStub grpc;
  final HttpClient http = HttpClient.newHttpClient();

  GraphFixture(Path dir) throws Exception {
    this(GraphConfig.defaults().withListen("127.0.0.1:0", "127.0.0.1:0").withDataDir(dir.toString()));
  }

  GraphFixture(GraphConfig config) throws Exception {
    server = new GraphServer(config, CLOCK);
    server.start();
    channel = GrpcChannels.forAddress("127.0.0.1:" + server.grpcPort());
    grpc = GraphGrpc.newBlockingStub(channel);
  }

  PushResponse push(List<Sample> samples) {
    return grpc.push(SampleBatch.newBuilder().addAllSamples(samples).build());
  }

  /** Pushes and waits until the writer has handled every accepted sample (stored or dropped). */
  PushResponse pushAndWait(List<Sample> samples) {
    double before = handled();
    PushResponse r = push(samples);
    await().atMost(Duration.ofSeconds(10)).until(() -> handled() >= before + r.getAccepted());
    return r;
  }

  double stored() {
    return server.registry().get("graph_stored_samples").counter().count();
  }

  double dropped(String reason) {
    Counter c = server.registry().find("graph_dropped_samples").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  private double handled() {
    return stored() + dropped("out_of_order") + dropped("step_mismatch") + dropped("type_mismatch")
        + dropped("write_error");
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + pathAndQuery))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    GrpcChannels.close(channel);
    server.close();
  }
}
