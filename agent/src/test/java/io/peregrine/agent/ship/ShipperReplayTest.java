package io.peregrine.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay from the spool keeps the order the batches were written in and sends each acknowledged sample once: through
 * a partly OVERLOADED answer, and through a shipper killed while a replayed batch is in flight.
 */
class ShipperReplayTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long T = 1_700_000_040L;

  @TempDir Path spoolDir;

  /**
   * A transfer over loopback gRPC that answers its calls by number: the second takes only the first sample of its
   * batch (the rest OVERLOADED), the fourth hangs until released and then fails; the others take everything. Records
   * what it acknowledged, in order.
   */
  static final class ScriptedTransfer extends TransferGrpc.TransferImplBase {
    final List<Sample> acknowledged = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch hanging = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void push(SampleBatch batch, StreamObserver<PushResponse> response) {
      int call = calls.incrementAndGet();
      if (call == 4) {
        hanging.countDown();
        try {
          release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        try {
          response.onError(Status.UNAVAILABLE.withDescription("died mid-call").asRuntimeException());
        } catch (RuntimeException cancelled) {
          // the caller is gone already
        }
        return;
      }
      PushResponse.Builder out = PushResponse.newBuilder();
      for (int i = 0; i < batch.getSamplesCount(); i++) {
        if (call == 2 && i > 0) {
          out.addRejects(Reject.newBuilder().setIndex(i).setCode(RejectCode.OVERLOADED).setReason("queue full"));
        } else {
          acknowledged.add(batch.getSamples(i));
        }
      }
      response.onNext(out.setAccepted(batch.getSamplesCount() - out.getRejectsCount())
          .setRejected(out.getRejectsCount()).build());
      response.onCompleted();
    }
  }

  /** Five batches of three samples of one series, written in time order. */
  private void spoolFiveBatches() throws Exception {
    DiskSpool spool = new DiskSpool(spoolDir, 64L << 20, new SimpleMeterRegistry());
    spool.open();
    for (int b = 0; b < 5; b++) {
      List<Sample> batch = new ArrayList<>();
      for (int j = 0; j < 3; j++) {
        int n = 3 * b + j;
        batch.add(TestSamples.gauge("h", "m", "", n, T + 60L * n));
      }
      assertThat(spool.write(WireSamples.of(batch))).isTrue();
    }
  }

  private Shipper shipper(int port, SimpleMeterRegistry registry) throws Exception {
    Shipper s = new Shipper(new SampleQueue(100, registry), List.of("127.0.0.1:" + port), 100,
        Duration.ofMillis(50), Duration.ofSeconds(20), spoolDir, 64L << 20, registry);
    s.start();
    return s;
  }

  private long batchFiles() throws Exception {
    try (Stream<Path> files = Files.list(spoolDir)) {
      return files.filter(p -> p.toString().endsWith(".batch")).count();
    }
  }

  @Test
  void replayKeepsWrittenOrderAndSendsEachAcknowledgedSampleOnceThroughOverloadAndAKill() throws Exception {
    spoolFiveBatches();
    ScriptedTransfer transfer = new ScriptedTransfer();
    GrpcServerHost server = new GrpcServerHost("test-transfer", "127.0.0.1:0", 2, List.of(transfer));
    server.start();
    try {
      Shipper first = shipper(server.port(), new SimpleMeterRegistry());
      assertThat(transfer.hanging.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the third batch is in flight")
          .isTrue();
      assertThat(transfer.acknowledged).extracting(Sample::getValue)
          .as("batch 1, then the first sample of batch 2, then its two OVERLOADED samples before batch 3")
          .containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0);
      first.kill();
      transfer.release.countDown();
      assertThat(batchFiles()).as("batches 3..5 are still spooled: the one in flight was never acknowledged")
          .isEqualTo(3);

      SimpleMeterRegistry second = new SimpleMeterRegistry();
      Shipper restarted = shipper(server.port(), second);
      try {
        await().atMost(WAIT).until(() -> restarted.spooledFiles() == 0 && transfer.acknowledged.size() >= 15);
        assertThat(transfer.acknowledged).extracting(Sample::getTimestamp)
            .as("every sample once, in the order it was spooled").isSorted().doesNotHaveDuplicates().hasSize(15);
        assertThat(second.get("agent_replayed_samples").counter().count()).isEqualTo(9);
        assertThat(batchFiles()).isZero();
      } finally {
        restarted.close();
      }
    } finally {
      server.close();
    }
  }

  @Test
  void aRewriteInterruptedByACrashKeepsTheSmallerFile() throws Exception {
    spoolFiveBatches();
    Path head;
    try (Stream<Path> files = Files.list(spoolDir)) {
      head = files.filter(p -> p.toString().endsWith(".batch")).sorted().findFirst().orElseThrow();
    }
    String sequence = head.getFileName().toString().substring(0, 19);
    List<Sample> rest = List.of(TestSamples.gauge("h", "m", "", 2, T + 120));
    Files.write(spoolDir.resolve(sequence + "-1.batch"), SampleBatch.newBuilder().addAllSamples(rest).build()
        .toByteArray()); // the rewrite landed, the old file was not deleted yet

    DiskSpool spool = new DiskSpool(spoolDir, 64L << 20, new SimpleMeterRegistry());
    spool.open();
    assertThat(spool.files()).isEqualTo(5);
    assertThat(spool.samples()).isEqualTo(13);
    assertThat(spool.read(spool.oldest()).toSamples()).isEqualTo(rest);
    assertThat(head).doesNotExist();
  }
}
