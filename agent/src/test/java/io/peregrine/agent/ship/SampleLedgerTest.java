package io.peregrine.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.agent.testing.RecordingTransfer;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.testing.Closer;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.RejectCode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * in + restored = sent + dropped + spooled + queued + in hand at every moment: a watcher thread reads the ledger
 * without pause while producers push, transfer refuses some samples (invalid, OVERLOADED), goes away (spooling) and
 * comes back (replay), and across a restart on the same spool.
 */
class SampleLedgerTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path spoolDir;
  private final Closer closing = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closing.close();
  }

  /** Reads snapshots until stopped; keeps the first one that did not balance or held a negative term. */
  static final class Watcher implements AutoCloseable {
    final ConcurrentLinkedQueue<SampleLedger.Snapshot> bad = new ConcurrentLinkedQueue<>();
    final AtomicLong reads = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    Watcher(SampleLedger ledger) {
      thread = new Thread(() -> {
        while (!stop.get()) {
          SampleLedger.Snapshot s = ledger.snapshot();
          reads.incrementAndGet();
          if (s.unaccounted() != 0 || s.queued() < 0 || s.inHand() < 0 || s.spooled() < 0) {
            bad.add(s);
          }
          Thread.yield(); // pace the reads: the shipper and producers take the same lock
        }
      }, "ledger-watcher");
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join();
    }
  }

  private Shipper shipper(SampleQueue queue, int port, SimpleMeterRegistry registry) throws IOException {
    Shipper s = new Shipper(queue, List.of("127.0.0.1:" + port), 50, Duration.ofMillis(20), Duration.ofSeconds(2),
        spoolDir, 64L * 1024 * 1024, registry);
    s.start();
    return s;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void produce(SampleQueue queue, int from, int n) throws InterruptedException {
    Thread[] producers = new Thread[3];
    for (int p = 0; p < producers.length; p++) {
      int offset = p;
      producers[p] = new Thread(() -> {
        for (int i = from + offset; i < from + n; i += producers.length) {
          queue.offer(TestSamples.gauge("host1", "app.requests", "n=" + i, i, 1_700_000_000L + i));
        }
      });
      producers[p].start();
    }
    for (Thread t : producers) {
      t.join();
    }
  }

  @Test
  void theIdentityHoldsAtEveryMomentThroughRefusalsAnOutageAndARestart() throws Exception {
    int port = freePort();
    AtomicLong overloadedLeft = new AtomicLong(5); // each OVERLOADED answer pauses the shipper, 1 s and up
    RecordingTransfer transfer = new RecordingTransfer().refusing(s -> {
      long n = (long) s.getValue();
      if (n % 97 == 0) {
        return RejectCode.BAD_VALUE;
      }
      if (n % 13 == 0 && overloadedLeft.getAndDecrement() > 0) {
        return RejectCode.OVERLOADED;
      }
      return null;
    });
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SampleQueue queue = new SampleQueue(100_000, registry);
    SampleLedger ledger = queue.ledger();
    Shipper first = shipper(queue, port, registry);
    try (Watcher watcher = new Watcher(ledger)) {
      produce(queue, 0, 3_000); // transfer is not there yet: spooled
      await().atMost(WAIT).until(() -> ledger.snapshot().spooled() == 3_000);
      GrpcServerHost server = transfer.serve(port);
      produce(queue, 3_000, 3_000);
      await().atMost(WAIT).until(() -> {
        SampleLedger.Snapshot s = ledger.snapshot();
        return s.spooled() == 0 && s.queued() == 0 && s.inHand() == 0;
      });
      server.close();
      produce(queue, 6_000, 1_000); // transfer gone again: spooled, then the shipper closes
      first.close();
      watcher.close();
      assertThat(watcher.bad).as("snapshots that did not balance, of %s read", watcher.reads.get()).isEmpty();
      assertThat(watcher.reads.get()).isGreaterThan(1_000);
    }
    SampleLedger.Snapshot end = ledger.snapshot();
    assertThat(end.in()).isEqualTo(7_000);
    // n = 0, 97, ..., 5917 refused as BAD_VALUE; the last 1,000 never reached transfer (spooled)
    assertThat(end.dropped()).isEqualTo(5_999 / 97 + 1);
    assertThat(end.sent() + end.dropped() + end.spooled()).isEqualTo(7_000);
    assertThat(end.spooled()).isPositive();
    assertThat(registry.get("agent_dropped_samples").tag("reason", "rejected_bad_value").counter().count())
        .isEqualTo(end.dropped());
    assertThat(registry.get("agent_sent_samples").counter().count()).isEqualTo(end.sent());

    // a new process on the same spool: what it finds is "restored", and the identity holds from there
    closing.later(transfer.serve(port));
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    SampleQueue queue2 = new SampleQueue(1_000, second);
    Shipper restarted = closing.later(shipper(queue2, port, second));
    SampleLedger.Snapshot atStart = queue2.ledger().snapshot();
    assertThat(atStart.restored()).isEqualTo(end.spooled());
    assertThat(atStart.unaccounted()).isZero();
    await().atMost(WAIT).until(() -> queue2.ledger().snapshot().spooled() == 0);
    SampleLedger.Snapshot replayed = queue2.ledger().snapshot();
    assertThat(replayed.unaccounted()).isZero();
    assertThat(replayed.sent() + replayed.dropped()).isEqualTo(atStart.restored());
    assertThat(replayed.dropped()).as("6014, 6111, ..., 6984 refused after the restart").isEqualTo(
        6_999 / 97 - 5_999 / 97);
    assertThat(restarted.spooledSamples()).isZero();
  }
}
