package io.peregrine.bench.push;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.peregrine.common.config.HostPort;
import io.peregrine.common.model.Limits;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.util.concurrent.TimeUnit;

/**
 * The generator's gRPC channels: {@code GrpcChannels}' settings (plaintext or TLS, 16 MiB), but with callbacks run on the
 * Netty event loop (direct executor). The callbacks only add to counters and release a permit, so handing them to a
 * thread pool would add a context switch per request to the generator's cost and nothing else.
 */
final class BenchChannels {
  private BenchChannels() {}

  static ManagedChannel open(String target, TlsMaterial tls) {
    HostPort hp = HostPort.parse("target", target);
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(hp.host(), hp.port());
    if (tls.clientTls()) {
      builder.sslContext(TlsContexts.grpcClient(tls));
      if (!tls.config().serverName().isEmpty()) {
        builder.overrideAuthority(tls.config().serverName() + ":" + hp.port());
      }
    } else {
      builder.usePlaintext();
    }
    return builder
        .directExecutor()
        .maxInboundMessageSize(Limits.MAX_MESSAGE_BYTES)
        .build();
  }

  static void close(ManagedChannel channel) {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
