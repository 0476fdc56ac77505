package io.peregrine.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.agent.testing.RecordingTransfer;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import io.peregrine.common.testing.Closer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShipperTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path spoolDir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Closer closing = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closing.close();
  }

  private Shipper shipper(SampleQueue queue, int port) throws IOException {
    Shipper s = new Shipper(queue, List.of("127.0.0.1:" + port), 100, Duration.ofMillis(50), Duration.ofSeconds(2),
        spoolDir, 64L * 1024 * 1024, registry);
    s.start();
    return closing.later(s);
  }

  private static List<Sample> samples(int n, int from) {
    List<Sample> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(TestSamples.gauge("host1", "app.requests", "n=" + i, i, 1_700_000_000L + i));
    }
    return out;
  }

  private static Set<String> keys(Iterable<Sample> samples) {
    Set<String> out = new HashSet<>();
    samples.forEach(s -> out.add(s.getTags()));
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private long spoolFilesOnDisk() throws IOException {
    try (Stream<Path> files = Files.list(spoolDir)) {
      return files.filter(p -> p.toString().endsWith(".batch")).count();
    }
  }

  /** in = sent + dropped by the shipper and the spool + still spooled + pending (queue and the worker's hand). */
  private void awaitAccounted(SampleQueue queue) {
    await().atMost(WAIT).untilAsserted(() -> {
      double in = registry.get("agent_in_samples").counter().count();
      double sent = registry.get("agent_sent_samples").counter().count();
      double dropped = registry.find("agent_dropped_samples").counters().stream()
          .filter(c -> !List.of("queue_full", "invalid").contains(c.getId().getTag("reason")))
          .mapToDouble(c -> c.count()).sum();
      double spooled = registry.get("agent_spool_samples").gauge().value();
      double pending = queue.size() + registry.get("agent_shipper_in_hand_samples").gauge().value();
      assertThat(in).as("in = sent %s + dropped %s + spooled %s + pending %s", sent, dropped, spooled, pending)
          .isEqualTo(sent + dropped + spooled + pending);
    });
  }

  @Test
  void shipsQueuedSamplesToTransferInBatches() throws Exception {
    RecordingTransfer transfer = new RecordingTransfer();
    GrpcServerHost server = closing.later(transfer.serve(0));
    SampleQueue queue = new SampleQueue(10_000, registry);
    shipper(queue, server.port());
    List<Sample> sent = samples(2_500, 0);
    sent.forEach(queue::offer);
    await().atMost(WAIT).until(() -> transfer.received.size() >= 2_500);
    assertThat(keys(transfer.received)).isEqualTo(keys(sent));
    assertThat(transfer.calls.get()).isGreaterThanOrEqualTo(25); // batchSize 100
    assertThat(registry.get("agent_sent_samples").counter().count()).isEqualTo(2_500);
    assertThat(spoolFilesOnDisk()).isZero();
  }

  @Test
  void spoolsWhileTransferIsDownAndReplaysEverythingWhenItComesBack() throws Exception {
    int port = freePort();
    SampleQueue queue = new SampleQueue(10_000, registry);
    Shipper shipper = shipper(queue, port);
    List<Sample> whileDown = samples(1_000, 0);
    whileDown.forEach(queue::offer);
    await().atMost(WAIT).until(() -> shipper.spooledSamples() == 1_000 && queue.size() == 0);
    awaitAccounted(queue);
    assertThat(spoolFilesOnDisk()).isEqualTo(shipper.spooledFiles()).isPositive();
    assertThat(registry.get("agent_send_failures").counter().count()).isPositive();

    RecordingTransfer transfer = new RecordingTransfer();
    closing.later(transfer.serve(port));
    List<Sample> afterwards = samples(300, 1_000);
    afterwards.forEach(queue::offer);
    await().atMost(WAIT).until(() -> keys(transfer.received).size() == 1_300);
    await().atMost(WAIT).until(() -> shipper.spooledSamples() == 0);
    assertThat(spoolFilesOnDisk()).isZero();
    // at least once: nothing lost; a duplicate only where a call timed out after transfer took its batch
    double failedCalls = registry.get("agent_send_failures").counter().count();
    assertThat(transfer.received.size() - 1_300).isLessThanOrEqualTo((int) failedCalls * 100);
    // spooled data went first: the first samples transfer saw are the oldest ones
    assertThat(transfer.received.peek().getTags()).isEqualTo("n=0");
    assertThat(registry.get("agent_replayed_samples").counter().count()).isGreaterThanOrEqualTo(1_000);
    awaitAccounted(queue);
    assertThat(registry.get("agent_in_samples").counter().count()).isEqualTo(1_300);
  }

  @Test
  void overloadedSamplesAreSentAgainAndInvalidOnesAreDroppedWithTheirCode() throws Exception {
    AtomicBoolean overloadOnce = new AtomicBoolean(true);
    RecordingTransfer transfer = new RecordingTransfer().refusing(s -> {
      if (s.getTags().equals("n=7")) {
        return RejectCode.BAD_VALUE;
      }
      if (s.getTags().equals("n=3") && overloadOnce.getAndSet(false)) {
        return RejectCode.OVERLOADED;
      }
      return null;
    });
    GrpcServerHost server = closing.later(transfer.serve(0));
    SampleQueue queue = new SampleQueue(1_000, registry);
    Shipper shipper = shipper(queue, server.port());
    samples(10, 0).forEach(queue::offer);
    await().atMost(WAIT).until(() -> keys(transfer.received).size() == 9);
    assertThat(keys(transfer.received)).contains("n=3").doesNotContain("n=7");
    assertThat(registry.get("agent_dropped_samples").tag("reason", "rejected_bad_value").counter()
        .count()).isEqualTo(1);
    await().atMost(WAIT).until(() -> shipper.spooledSamples() == 0);
    awaitAccounted(queue);
  }

  @Test
  void closeFlushesWhatIsQueuedToTransfer() throws Exception {
    RecordingTransfer transfer = new RecordingTransfer();
    GrpcServerHost server = closing.later(transfer.serve(0));
    SampleQueue queue = new SampleQueue(10_000, registry);
    // a generous call deadline: a call that timed out on a busy build machine would spool instead of send
    Shipper shipper = new Shipper(queue, List.of("127.0.0.1:" + server.port()), 100, Duration.ofSeconds(30),
        Duration.ofSeconds(10), spoolDir, 64L * 1024 * 1024, registry);
    shipper.start();
    // a 30 s flush interval: the first batch waits for more samples, so only close() can send it promptly
    samples(50, 0).forEach(queue::offer);
    shipper.close();
    assertThat(keys(transfer.received)).hasSize(50);
    assertThat(queue.offer(samples(1, 99).get(0))).as("no intake after close").isFalse();
  }

  @Test
  void closeWithTransferDownSpoolsTheQueueAndANewShipperSendsIt() throws Exception {
    int port = freePort();
    SampleQueue queue = new SampleQueue(10_000, registry);
    Shipper first = new Shipper(queue, List.of("127.0.0.1:" + port), 100, Duration.ofSeconds(30),
        Duration.ofSeconds(2), spoolDir, 64L * 1024 * 1024, registry);
    first.start();
    samples(250, 0).forEach(queue::offer);
    first.close();
    assertThat(first.spooledSamples()).isEqualTo(250);
    assertThat(spoolFilesOnDisk()).isPositive();

    RecordingTransfer transfer = new RecordingTransfer();
    closing.later(transfer.serve(port));
    Shipper second = shipper(new SampleQueue(10, new SimpleMeterRegistry()), port);
    await().atMost(WAIT).until(() -> keys(transfer.received).size() == 250);
    await().atMost(WAIT).until(() -> second.spooledSamples() == 0);
    assertThat(spoolFilesOnDisk()).isZero();
  }
}
