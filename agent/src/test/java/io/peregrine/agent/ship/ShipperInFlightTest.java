package io.peregrine.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.testing.Closer;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More than one batch in flight on a PushStream, against a real gRPC server on loopback that holds its answers or
 * breaks the stream with batches unanswered: every sample arrives once, and the ledger counts each once.
 */
class ShipperInFlightTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path spoolDir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Closer closing = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closing.close();
  }

  /**
   * A transfer whose streams answer only when {@code holdUntil} batches are unanswered (so one batch at a time would
   * never be answered); with {@code breakAt} > 0 its first stream answers nothing until {@code breakAt} batches came,
   * then answers the first and fails the stream: the others were never taken (not recorded), as when a transfer
   * dies.
   */
  static final class HoldingTransfer extends TransferGrpc.TransferImplBase {
    final ConcurrentLinkedQueue<Sample> received = new ConcurrentLinkedQueue<>();
    final AtomicInteger maxUnanswered = new AtomicInteger();
    final AtomicInteger streams = new AtomicInteger();
    private final int holdUntil;
    private final int breakAt;

    HoldingTransfer(int holdUntil, int breakAt) {
      this.holdUntil = holdUntil;
      this.breakAt = breakAt;
    }

    @Override
    public StreamObserver<SampleBatch> pushStream(StreamObserver<PushResponse> response) {
      boolean first = streams.incrementAndGet() == 1;
      return new StreamObserver<>() {
        private final List<SampleBatch> held = new ArrayList<>();
        private boolean broken;

        @Override
        public synchronized void onNext(SampleBatch batch) {
          if (broken) {
            return;
          }
          held.add(batch);
          maxUnanswered.accumulateAndGet(held.size(), Math::max);
          if (first && breakAt > 0 && held.size() == breakAt) {
            answer(held.get(0));
            broken = true;
            response.onError(Status.UNAVAILABLE.withDescription("transfer died").asRuntimeException());
            return;
          }
          if (held.size() >= holdUntil && !(first && breakAt > 0)) {
            held.forEach(this::answer);
            held.clear();
          }
        }

        private void answer(SampleBatch b) {
          received.addAll(b.getSamplesList());
          response.onNext(PushResponse.newBuilder().setAccepted(b.getSamplesCount()).build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public synchronized void onCompleted() {
          held.forEach(this::answer);
          held.clear();
          response.onCompleted();
        }
      };
    }
  }

  private SampleQueue startShipper(HoldingTransfer transfer) throws Exception {
    GrpcServerHost server = closing.later(new GrpcServerHost("test-transfer", "127.0.0.1:0", 2, List.of(transfer)));
    server.start();
    SampleQueue queue = new SampleQueue(100_000, registry);
    Shipper s = new Shipper(queue, List.of("127.0.0.1:" + server.port()), 100, Duration.ofMillis(20),
        Duration.ofSeconds(5), spoolDir, 64L * 1024 * 1024, registry);
    s.start();
    closing.later(s);
    return queue;
  }

  /** {@code n} samples of {@code n} series (tag n=i). */
  private static List<Sample> distinctSeries(int n) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TestSamples.gauge("host1", "app.requests", "n=" + i, i, 1_700_000_000L));
    }
    return out;
  }

  private static List<String> tags(Iterable<Sample> samples) {
    List<String> out = new ArrayList<>();
    samples.forEach(s -> out.add(s.getTags()));
    return out;
  }

  @Test
  void batchesOfAFullQueueTravelTogetherAndAreAnsweredEach() throws Exception {
    HoldingTransfer transfer = new HoldingTransfer(TransferStream.MAX_IN_FLIGHT, 0);
    SampleQueue queue = startShipper(transfer);
    List<Sample> all = distinctSeries(100 * TransferStream.MAX_IN_FLIGHT);
    assertThat(queue.offerAll(all)).isEqualTo(all.size());
    await().atMost(WAIT).until(() -> transfer.received.size() == all.size());
    assertThat(transfer.maxUnanswered.get()).isEqualTo(TransferStream.MAX_IN_FLIGHT);
    assertThat(tags(transfer.received)).containsExactlyElementsOf(tags(all));
    // transfer has them all; the shipper settles each answer as it reads it
    await().atMost(WAIT).until(() -> queue.ledger().snapshot().sent() == all.size());
    SampleLedger.Snapshot s = queue.ledger().snapshot();
    assertThat(s.sent()).isEqualTo(all.size());
    assertThat(s.unaccounted()).isZero();
    assertThat(registry.get("agent_sent_batches").tag("call", "stream").counter().count())
        .isEqualTo(TransferStream.MAX_IN_FLIGHT);
  }

  @Test
  void aStreamBrokenWithBatchesInFlightLosesNothingAndCountsNothingTwice() throws Exception {
    HoldingTransfer transfer = new HoldingTransfer(1, 3);
    SampleQueue queue = startShipper(transfer);
    List<Sample> all = distinctSeries(1_000);
    assertThat(queue.offerAll(all)).isEqualTo(all.size());
    await().atMost(WAIT).until(() -> transfer.received.size() == all.size()
        && queue.ledger().snapshot().spooled() == 0 && queue.ledger().snapshot().inHand() == 0);
    assertThat(transfer.streams.get()).as("a new stream after the break").isGreaterThan(1);
    assertThat(transfer.maxUnanswered.get()).isGreaterThanOrEqualTo(3);
    assertThat(tags(transfer.received)).as("each sample once").containsExactlyInAnyOrderElementsOf(tags(all));
    SampleLedger.Snapshot s = queue.ledger().snapshot();
    assertThat(s.sent()).as("acknowledged once each").isEqualTo(all.size());
    assertThat(s.dropped()).isZero();
    assertThat(s.unaccounted()).isZero();
  }

  @Test
  void samplesOfOneSeriesAreNeverInTwoBatchesInFlight() throws Exception {
    HoldingTransfer transfer = new HoldingTransfer(1, 0);
    SampleQueue queue = startShipper(transfer);
    List<Sample> all = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      all.add(TestSamples.gauge("host1", "app.requests", "k=" + (i % 2), i, 1_700_000_000L + i));
    }
    assertThat(queue.offerAll(all)).isEqualTo(all.size());
    await().atMost(WAIT).until(() -> transfer.received.size() == all.size());
    assertThat(transfer.maxUnanswered.get()).isEqualTo(1);
    assertThat(new ArrayList<>(transfer.received)).containsExactlyElementsOf(all);
    assertThat(queue.ledger().snapshot().unaccounted()).isZero();
  }
}
