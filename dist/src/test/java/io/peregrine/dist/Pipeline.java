package io.peregrine.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared pieces of the end-to-end tests (public for the console's browser tests in a subpackage): a loopback config under a temp dir, a captured console, HTTP gets. */
public final class Pipeline {
  private Pipeline() {}

  /** all-in-one's defaults on free ports, with every file under {@code dir} and fast refreshes. */
  public static PeregrineConfig loopbackConfig(Path dir, String hostname, Map<String, Object> extra) {
    Map<String, Object> o = new LinkedHashMap<>();
    for (String c : List.of("transfer", "graph", "judge", "hbs")) {
      o.put(c + ".grpcListen", "127.0.0.1:0");
      o.put(c + ".httpListen", "127.0.0.1:0");
    }
    o.put("sender.httpListen", "127.0.0.1:0");
    o.put("transfer.jsonRpcListen", "127.0.0.1:0");
    o.put("agent.listen", "127.0.0.1:0");
    o.put("agent.hostname", hostname);
    o.put("agent.collectInterval", "1s");
    o.put("agent.heartbeatInterval", "1s");
    o.put("judge.strategyRefresh", "1s");
    o.put("hbs.configRefresh", "1s");
    DataDirs.put(o, dir.toString());
    o.putAll(extra);
    return new ConfigLoader().with(AllInOne.defaults(), PeregrineConfig.class, o);
  }

  public static Sample gauge(String endpoint, String metric, String tags, double value, long timestamp) {
    return Sample.newBuilder().setEndpoint(endpoint).setMetric(metric).setTags(tags).setValue(value)
        .setTimestamp(timestamp).setStep(60).setCounterType(CounterType.GAUGE).build();
  }

  /** 1,000 samples: three hot demo.temperature points (the last three) and e2e.load series, one of them NaN. */
  static SampleBatch batchWithOneBad(String host, long now, int badIndex) {
    SampleBatch.Builder b = SampleBatch.newBuilder();
    for (int i = 0; i < 997; i++) {
      b.addSamples(gauge(host, "e2e.load", "i=" + i, i == badIndex ? Double.NaN : i, now));
    }
    b.addSamples(gauge(host, "demo.temperature", "room=lab", 95, now - 120));
    b.addSamples(gauge(host, "demo.temperature", "room=lab", 96, now - 60));
    b.addSamples(gauge(host, "demo.temperature", "room=lab", 97, now));
    return b.build();
  }

  static String get(int port, String pathAndQuery) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s -> %s", pathAndQuery, r.body()).isLessThan(500);
    return r.body();
  }

  public static ManagedChannel channel(int port) {
    return GrpcChannels.forAddress("127.0.0.1:" + port);
  }

  /** A console whose printed lines a test can read. */
  public static final class Console {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    public final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    public String text() {
      synchronized (stream) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
