package io.peregrine.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.testing.Closer;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spool replay with batches in flight on a PushStream (real gRPC on loopback): spooled batches of disjoint series
 * travel together, batches sharing a series go one at a time, and a batch partly refused as OVERLOADED in a group
 * keeps its place, so every sample arrives once, each series in time order, and the ledger counts each once.
 */
class ShipperReplayInFlightTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long T = 1_700_000_000L;

  @TempDir Path spoolDir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Closer closing = new Closer();
  private final SampleQueue queue = new SampleQueue(100_000, registry);

  @AfterEach
  void tearDown() throws Exception {
    closing.close();
  }

  /** A stream transfer that answers each batch at once; the {@code overloadedBatch}-th (from 1) takes only its first sample. */
  static final class OverloadOnce extends TransferGrpc.TransferImplBase {
    final List<Sample> acknowledged = new CopyOnWriteArrayList<>();
    final AtomicInteger batches = new AtomicInteger();
    private final int overloadedBatch;

    OverloadOnce(int overloadedBatch) {
      this.overloadedBatch = overloadedBatch;
    }

    @Override
    public StreamObserver<SampleBatch> pushStream(StreamObserver<PushResponse> response) {
      return new StreamObserver<>() {
        @Override
        public synchronized void onNext(SampleBatch batch) {
          boolean overload = batches.incrementAndGet() == overloadedBatch;
          PushResponse.Builder out = PushResponse.newBuilder();
          for (int i = 0; i < batch.getSamplesCount(); i++) {
            if (overload && i > 0) {
              out.addRejects(Reject.newBuilder().setIndex(i).setCode(RejectCode.OVERLOADED).setReason("full"));
            } else {
              acknowledged.add(batch.getSamples(i));
            }
          }
          response.onNext(out.setAccepted(batch.getSamplesCount() - out.getRejectsCount())
              .setRejected(out.getRejectsCount()).build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          response.onCompleted();
        }
      };
    }
  }

  /** Writes the batches to the spool directory, as an earlier run that lost transfer would have. */
  private void spool(List<List<Sample>> batches) throws Exception {
    DiskSpool spool = new DiskSpool(spoolDir, 64L << 20, new SimpleMeterRegistry());
    spool.open();
    for (List<Sample> b : batches) {
      assertThat(spool.write(WireSamples.of(b))).isTrue();
    }
  }

  /** {@code batches} batches of {@code perBatch} samples; series {@code series(b, i)}, timestamps rising. */
  private static List<List<Sample>> batches(int batches, int perBatch, boolean sharedSeries) {
    List<List<Sample>> out = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      List<Sample> batch = new ArrayList<>();
      for (int i = 0; i < perBatch; i++) {
        String tags = "n=" + (sharedSeries ? i : b * perBatch + i);
        batch.add(TestSamples.gauge("host1", "app.requests", tags, b * perBatch + i, T + 10L * b));
      }
      out.add(batch);
    }
    return out;
  }

  private Shipper start(TransferGrpc.TransferImplBase transfer) throws Exception {
    GrpcServerHost server = closing.later(new GrpcServerHost("test-transfer", "127.0.0.1:0", 2, List.of(transfer)));
    server.start();
    Shipper s = new Shipper(queue, List.of("127.0.0.1:" + server.port()), 100,
        Duration.ofMillis(20), Duration.ofSeconds(5), spoolDir, 64L << 20, registry);
    s.start();
    closing.later(s);
    return s;
  }

  private static void assertEachSeriesInTimeOrder(List<Sample> received) {
    Map<String, Long> last = new HashMap<>();
    for (Sample s : received) {
      Long before = last.put(s.getTags(), s.getTimestamp());
      assertThat(before == null || before < s.getTimestamp()).as("series %s in time order", s.getTags()).isTrue();
    }
  }

  private static List<Sample> flat(List<List<Sample>> batches) {
    List<Sample> out = new ArrayList<>();
    batches.forEach(out::addAll);
    return out;
  }

  @Test
  void spooledBatchesOfDisjointSeriesAreReplayedTogether() throws Exception {
    List<List<Sample>> spooled = batches(2 * TransferStream.MAX_IN_FLIGHT, 50, false);
    spool(spooled);
    // answers only once MAX_IN_FLIGHT batches are unanswered: one batch at a time would never be answered
    ShipperInFlightTest.HoldingTransfer transfer =
        new ShipperInFlightTest.HoldingTransfer(TransferStream.MAX_IN_FLIGHT, 0);
    Shipper shipper = start(transfer);
    await().atMost(WAIT).until(() -> shipper.spooledFiles() == 0);
    assertThat(transfer.maxUnanswered.get()).isEqualTo(TransferStream.MAX_IN_FLIGHT);
    assertThat(new ArrayList<>(transfer.received)).containsExactlyElementsOf(flat(spooled));
    SampleLedger.Snapshot s = queue.ledger().snapshot();
    assertThat(s.restored()).isEqualTo(400);
    assertThat(s.replayed()).isEqualTo(400);
    assertThat(s.spooled()).isZero();
    assertThat(s.unaccounted()).isZero();
  }

  @Test
  void spooledBatchesSharingSeriesAreReplayedOneAtATimeInOrder() throws Exception {
    List<List<Sample>> spooled = batches(6, 20, true);
    spool(spooled);
    ShipperInFlightTest.HoldingTransfer transfer = new ShipperInFlightTest.HoldingTransfer(1, 0);
    Shipper shipper = start(transfer);
    await().atMost(WAIT).until(() -> shipper.spooledFiles() == 0);
    assertThat(transfer.maxUnanswered.get()).isEqualTo(1);
    assertThat(new ArrayList<>(transfer.received)).containsExactlyElementsOf(flat(spooled));
    assertThat(queue.ledger().snapshot().unaccounted()).isZero();
  }

  @Test
  void aBatchPartlyOverloadedInAGroupKeepsItsPlaceAndEverySampleArrivesOnceInOrder() throws Exception {
    // batches 1-4 disjoint (n=0..39), then 4 more reusing batch 2's series (n=10..19) at later times
    List<List<Sample>> spooled = new ArrayList<>(batches(4, 10, false));
    for (int b = 0; b < 4; b++) {
      List<Sample> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        batch.add(TestSamples.gauge("host1", "app.requests", "n=" + (10 + i), 1_000 + 10 * b + i, T + 100L + b));
      }
      spooled.add(batch);
    }
    spool(spooled);
    OverloadOnce transfer = new OverloadOnce(2);
    Shipper shipper = start(transfer);
    await().atMost(WAIT).until(() -> shipper.spooledFiles() == 0);
    List<Sample> all = flat(spooled);
    assertThat(transfer.acknowledged).as("each sample once").containsExactlyInAnyOrderElementsOf(all);
    assertEachSeriesInTimeOrder(transfer.acknowledged);
    SampleLedger.Snapshot s = queue.ledger().snapshot();
    assertThat(s.replayed()).isEqualTo(all.size());
    assertThat(s.dropped()).isZero();
    assertThat(s.unaccounted()).isZero();
  }
}
