package io.peregrine.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.TestCertificates;
import io.peregrine.common.tls.ClientAuth;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation under load: an agent pushes for its node without pause, opening a new connection (a new handshake) every
 * few pushes, while both its client certificate and transfer's server certificate are replaced the way a Kubernetes
 * Secret update does (a symlinked directory swapped in one rename). Not one push may fail.
 */
class TransferRotationUnderLoadTest {
  @TempDir
  Path dir;

  /** Writes a fresh pair for {@code cn} into a new directory and points {@code link} at it in one rename. */
  private static void swapIn(TestCertificates.Ca ca, String cn, Path root, Path link, int generation)
      throws Exception {
    Path fresh = Files.createDirectory(root.resolve(cn + "-v" + generation));
    ca.issue(cn).writeTo(fresh, "tls");
    Path tmp = root.resolve(cn + ".link.tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, fresh.getFileName());
    Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void certificatesRotateWhilePushingWithoutAFailedPush() throws Exception {
    TestCertificates.Ca ca = TestCertificates.newCa("peregrine test CA");
    Path caFile = ca.writeTo(dir, "ca.crt");
    Path server = dir.resolve("transfer");
    Path client = dir.resolve("web-1");
    swapIn(ca, "transfer.peregrine.test", dir, server, 1);
    swapIn(ca, "web-1", dir, client, 1);
    TransferConfig base = TransferServerTest.config(List.of(), List.of())
        .withAuth(AuthConfig.off().withOwnEndpointsOnly(true, List.of()));
    TransferConfig config = new ConfigLoader().with(base, TransferConfig.class, Map.of("tls",
        TlsConfig.server(server.resolve("tls.crt").toString(), server.resolve("tls.key").toString(),
            caFile.toString(), ClientAuth.REQUIRE).withReloadInterval(Duration.ofMillis(100))));
    TlsConfig agentTls = TlsConfig.client(caFile.toString(), client.resolve("tls.crt").toString(),
        client.resolve("tls.key").toString());

    try (TransferServer transfer = new TransferServer(config, Clock.systemUTC())) {
      transfer.start();
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      AtomicReference<Throwable> firstFailure = new AtomicReference<>();
      AtomicBoolean stop = new AtomicBoolean();
      Thread agent = new Thread(() -> {
        while (!stop.get()) {
          // a new channel, so a new handshake with the files as they are now
          ManagedChannel channel = GrpcChannels.forAddress("127.0.0.1:" + transfer.grpcPort(),
              new TlsMaterial("agent", agentTls, new SimpleMeterRegistry()));
          try {
            TransferGrpc.TransferBlockingStub stub = TransferGrpc.newBlockingStub(channel);
            for (int i = 0; i < 5 && !stop.get(); i++) {
              stub.withDeadlineAfter(10, TimeUnit.SECONDS).push(SampleBatch.newBuilder().addSamples(
                  Sample.newBuilder().setEndpoint("web-1").setMetric("cpu.busy").setValue(i).setStep(60)
                      .setTimestamp(Instant.now().getEpochSecond()).setCounterType(CounterType.GAUGE)).build());
              ok.incrementAndGet();
            }
          } catch (RuntimeException e) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, e);
          } finally {
            GrpcChannels.close(channel);
          }
        }
      }, "rotation-agent");
      agent.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= 50);
        for (int generation = 2; generation <= 4; generation++) {
          swapIn(ca, "transfer.peregrine.test", dir, server, generation);
          swapIn(ca, "web-1", dir, client, generation);
          int reloads = generation - 1;
          await().atMost(Duration.ofSeconds(30)).until(() -> transfer.registry().get("transfer_tls_reloads")
              .tag("result", "ok").counter().count() >= reloads);
          int before = ok.get();
          await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= before + 25);
        }
      } finally {
        stop.set(true);
        agent.join(30_000);
      }
      assertThat(failed.get()).as("failed pushes, first: %s", firstFailure.get()).isZero();
      assertThat(ok.get()).isGreaterThanOrEqualTo(125);
    }
  }
}
