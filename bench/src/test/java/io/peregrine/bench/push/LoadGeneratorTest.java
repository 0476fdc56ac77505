package io.peregrine.bench.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.proto.v1.CounterType;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
  /** 7 x 3 = 21 series in batches of 5: four full batches and a short one, so uneven batches are exercised. */
  static PushConfig config(PushMode mode, String target, Duration duration, Duration warmup, long rate) {
    return new PushConfig(mode, target, 7, 3, 2, 5, 2, 4, duration, warmup, rate, CounterType.GAUGE, 60,
        Duration.ofSeconds(5), null);
  }

  @Test
  void grpcUnaryCountsWhatTheServerCounted() throws Exception {
    try (TestTransfer server = TestTransfer.start()) {
      PushStats stats = new LoadGenerator(config(PushMode.GRPC_UNARY, server.target(), Duration.ofSeconds(2),
          Duration.ZERO, 0)).run(line -> {});

      assertMatches(stats, server.batches(), server.samples(), server.accepted(), server.rejected());
      assertThat(stats.firstReject()).isEqualTo("BAD_VALUE: sample 0: " + TestTransfer.REASON);
    }
  }

  @Test
  void grpcStreamCountsWhatTheServerCounted() throws Exception {
    try (TestTransfer server = TestTransfer.start()) {
      PushStats stats = new LoadGenerator(config(PushMode.GRPC_STREAM, server.target(), Duration.ofSeconds(2),
          Duration.ZERO, 0)).run(line -> {});

      assertMatches(stats, server.batches(), server.samples(), server.accepted(), server.rejected());
    }
  }

  @Test
  void grpcStreamReopensAFailedStreamAndCountsItsBatchesInFlightAsFailed() throws Exception {
    try (TestTransfer server = TestTransfer.start(20)) {
      PushStats stats = new LoadGenerator(config(PushMode.GRPC_STREAM, server.target(), Duration.ofSeconds(2),
          Duration.ZERO, 0)).run(line -> {});

      assertThat(stats.errors()).containsOnlyKeys("UNAVAILABLE");
      assertThat(stats.firstError()).isEqualTo("UNAVAILABLE: test: stream failed on purpose");
      // more answers than one stream gives: the connections opened new streams after the failures
      assertThat(server.batches()).isGreaterThan(2 * 20);
      assertThat(stats.acceptedSamples()).isEqualTo(server.accepted());
      assertThat(stats.rejectedSamples()).isEqualTo(server.rejected());
      assertThat(stats.failedSamples()).isPositive();
      assertThat(stats.sentSamples())
          .isEqualTo(stats.acceptedSamples() + stats.rejectedSamples() + stats.failedSamples());
      assertThat(stats.unanswered()).isZero();
    }
  }

  @Test
  void httpCountsWhatTheServerCounted() throws Exception {
    try (TestHttpTransfer server = new TestHttpTransfer()) {
      PushStats stats = new LoadGenerator(config(PushMode.HTTP, server.target(), Duration.ofSeconds(2),
          Duration.ZERO, 0)).run(line -> {});

      assertMatches(stats, server.batches(), server.samples(), server.accepted(), server.rejected());
      assertThat(stats.firstReject()).isEqualTo("BAD_VALUE: sample 0: " + TestHttpTransfer.REASON);
    }
  }

  @Test
  void httpCountsAnErrorStatusAsAFailedRequest() throws Exception {
    try (TestHttpTransfer server = new TestHttpTransfer()) {
      PushConfig c = config(PushMode.HTTP, server.target(), Duration.ofSeconds(1), Duration.ZERO, 0);
      PushConfig wrongPath = new PushConfig(c.mode(), c.target(), c.endpoints(), c.metrics(), c.tags(),
          c.batchSize(), c.connections(), c.window(), c.duration(), c.warmup(), c.rate(), c.counterType(), c.step(),
          c.timeout(), "/no/such/path");
      PushStats stats = new LoadGenerator(wrongPath).run(line -> {});

      assertThat(stats.errors()).containsOnlyKeys("HTTP_404");
      assertThat(stats.failedSamples()).isEqualTo(stats.sentSamples()).isPositive();
      assertThat(stats.acceptedSamples()).isZero();
      assertThat(server.batches()).isZero();
    }
  }

  private static void assertMatches(PushStats stats, long batches, long samples, long accepted, long rejected) {
    assertThat(batches).isPositive();
    assertThat(stats.requests()).isEqualTo(batches);
    assertThat(stats.sentSamples()).isEqualTo(samples);
    assertThat(stats.acceptedSamples()).isEqualTo(accepted);
    assertThat(stats.rejectedSamples()).isEqualTo(rejected).isEqualTo(batches);
    assertThat(stats.rejectCodes()).isEqualTo(Map.of("BAD_VALUE", batches));
    assertThat(stats.errors()).isEmpty();
    assertThat(stats.failedSamples()).isZero();
    assertThat(stats.unanswered()).isZero();
    assertThat(stats.sentSamples()).isEqualTo(stats.acceptedSamples() + stats.rejectedSamples());
    assertThat(stats.maxMillis()).isPositive();
    assertThat(stats.summaryLine()).contains("accepted=" + accepted + " ", "rejects={BAD_VALUE=" + batches + "}",
        "errors={}");
  }

  @Test
  void reportsFailedRequestsByStatusWhenNothingListens() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PushStats stats = new LoadGenerator(config(PushMode.GRPC_UNARY, "127.0.0.1:" + port, Duration.ofSeconds(1),
        Duration.ZERO, 0)).run(line -> {});

    assertThat(stats.acceptedSamples()).isZero();
    assertThat(stats.errors()).containsOnlyKeys("UNAVAILABLE");
    assertThat(stats.errorCount()).isEqualTo(stats.requests()).isPositive();
    assertThat(stats.failedSamples()).isEqualTo(stats.sentSamples());
    assertThat(stats.firstError()).startsWith("UNAVAILABLE: ");
  }

  @Test
  void warmupIsSentButNotCounted() throws Exception {
    try (TestTransfer server = TestTransfer.start()) {
      List<String> lines = new CopyOnWriteArrayList<>();
      PushStats stats = new LoadGenerator(config(PushMode.GRPC_STREAM, server.target(), Duration.ofSeconds(1),
          Duration.ofSeconds(1), 0)).run(lines::add);

      assertThat(lines.get(0)).startsWith("bench push: mode=grpc-stream target=" + server.target() + " series=21");
      assertThat(lines).anyMatch(l -> l.startsWith("bench push: [warmup] "));
      assertThat(lines).anyMatch(l -> l.startsWith("bench push: [run] "));
      // what was sent in warmup reached the server but is not in the measured totals, which still add up
      assertThat(stats.acceptedSamples()).isPositive().isLessThan(server.accepted());
      assertThat(stats.sentSamples()).isLessThan(server.samples())
          .isEqualTo(stats.acceptedSamples() + stats.rejectedSamples());
      assertThat(stats.unanswered()).isZero();
    }
  }

  @Test
  void rateCapsWhatIsSent() throws Exception {
    try (TestTransfer server = TestTransfer.start()) {
      long rate = 200;
      PushStats stats = new LoadGenerator(config(PushMode.GRPC_UNARY, server.target(), Duration.ofSeconds(1),
          Duration.ZERO, rate)).run(line -> {});

      // the pacer never sends ahead of its schedule: rate x elapsed, plus the first batch of each connection and
      // one more each for the moments between the connections starting and the clock starting
      assertThat(stats.sentSamples()).isPositive()
          .isLessThanOrEqualTo((long) (rate * stats.seconds()) + 2L * 2 * 5);
      assertThat(stats.sentSamples()).isEqualTo(server.samples());
    }
  }

  @Test
  void stopEndsTheRunEarlyWithItsTotals() throws Exception {
    try (TestTransfer server = TestTransfer.start()) {
      LoadGenerator generator = new LoadGenerator(config(PushMode.GRPC_UNARY, server.target(), Duration.ofMinutes(10),
          Duration.ZERO, 0));
      List<String> lines = new CopyOnWriteArrayList<>();
      generator.stop();
      PushStats stats = generator.run(lines::add);

      assertThat(lines).hasSize(1).allMatch(l -> l.startsWith("bench push: mode=grpc-unary"));
      assertThat(stats.sentSamples()).isEqualTo(server.samples());
      assertThat(stats.unanswered()).isZero();
    }
  }
}
