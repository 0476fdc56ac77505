package io.peregrine.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.agent.testing.RecordingTransfer;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.testing.Closer;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shipping over Transfer.PushStream when transfer offers it, over loopback gRPC; unary when it does not. */
class ShipperStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path spoolDir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Closer closing = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closing.close();
  }

  private Shipper shipper(SampleQueue queue, int port) throws Exception {
    Shipper s = new Shipper(queue, List.of("127.0.0.1:" + port), 100, Duration.ofMillis(20), Duration.ofSeconds(5),
        spoolDir, 64L * 1024 * 1024, registry);
    s.start();
    return closing.later(s);
  }

  private static List<String> tags(Iterable<Sample> samples) {
    List<String> out = new ArrayList<>();
    samples.forEach(s -> out.add(s.getTags()));
    return out;
  }

  private static List<String> expected(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add("n=" + i);
    }
    return out;
  }

  private static void offer(SampleQueue queue, int from, int to) {
    for (int i = from; i < to; i++) {
      queue.offer(TestSamples.gauge("host1", "app.requests", "n=" + i, i, 1_700_000_000L + i));
    }
  }

  @Test
  void batchesGoOverOneStreamInOrderWithRejectsAnswered() throws Exception {
    AtomicBoolean overloadOnce = new AtomicBoolean(true);
    RecordingTransfer transfer = new RecordingTransfer().streaming().refusing(s -> {
      if (s.getTags().equals("n=42")) {
        return RejectCode.BAD_VALUE;
      }
      return s.getTags().equals("n=7") && overloadOnce.getAndSet(false) ? RejectCode.OVERLOADED : null;
    });
    GrpcServerHost server = closing.later(transfer.serve(0));
    SampleQueue queue = new SampleQueue(10_000, registry);
    shipper(queue, server.port());
    offer(queue, 0, 1_000);
    await().atMost(WAIT).until(() -> transfer.received.size() >= 999 && queue.ledger().snapshot().spooled() == 0);
    List<String> want = expected(0, 1_000);
    want.remove("n=42");
    assertThat(tags(transfer.received)).containsExactlyInAnyOrderElementsOf(want);
    assertThat(transfer.streamBatches.get()).as("every batch on the stream").isEqualTo(transfer.calls.get());
    assertThat(transfer.streamsOpened.get()).isEqualTo(1);
    assertThat(registry.get("agent_sent_batches").tag("call", "unary").counter().count()).isZero();
    assertThat(registry.get("agent_dropped_samples").tag("reason", "rejected_bad_value").counter().count())
        .isEqualTo(1);
    assertThat(queue.ledger().snapshot().unaccounted()).isZero();
  }

  @Test
  void aTransferWithoutStreamsGetsUnaryCalls() throws Exception {
    RecordingTransfer unaryOnly = new RecordingTransfer();
    GrpcServerHost server = closing.later(transferOn(unaryOnly, 0));
    int port = server.port();
    SampleQueue queue = new SampleQueue(10_000, registry);
    shipper(queue, port);
    offer(queue, 0, 300);
    await().atMost(WAIT).until(() -> unaryOnly.received.size() == 300);
    assertThat(unaryOnly.streamBatches.get()).isZero();
    assertThat(registry.get("agent_sent_batches").tag("call", "unary").counter().count()).isPositive();
  }

  @Test
  void aStreamBrokenByATransferRestartIsReopenedAndNothingIsLost() throws Exception {
    RecordingTransfer first = new RecordingTransfer().streaming();
    GrpcServerHost server = transferOn(first, 0);
    int port = server.port();
    SampleQueue queue = new SampleQueue(10_000, registry);
    shipper(queue, port);
    offer(queue, 0, 300);
    await().atMost(WAIT).until(() -> first.received.size() == 300);
    server.close();

    offer(queue, 300, 600); // transfer away: spooled
    await().atMost(WAIT).until(() -> queue.ledger().snapshot().spooled() == 300);
    RecordingTransfer second = new RecordingTransfer().streaming();
    closing.later(transferOn(second, port));
    await().atMost(WAIT).until(() -> second.received.size() >= 300 && queue.ledger().snapshot().spooled() == 0);
    assertThat(tags(second.received)).as("replayed in order, each once").containsExactlyElementsOf(
        expected(300, 600));
    assertThat(second.streamBatches.get()).isEqualTo(second.calls.get()).isPositive();
  }

  private GrpcServerHost transferOn(RecordingTransfer t, int port) throws Exception {
    return t.serve(port);
  }
}
