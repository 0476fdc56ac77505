package io.peregrine.common.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.peregrine.common.config.HostPort;
import io.peregrine.common.model.Limits;
import java.util.concurrent.TimeUnit;

/** Client channels with the pipeline's settings: plaintext on the cluster network, 16 MiB messages, keepalive. */
public final class GrpcChannels {
  private GrpcChannels() {}

  public static ManagedChannel forAddress(String address) {
    HostPort hp = HostPort.parse(address);
    return NettyChannelBuilder.forAddress(hp.host(), hp.port())
        .usePlaintext()
        .maxInboundMessageSize(Limits.MAX_MESSAGE_BYTES)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .build();
  }

  /** Shuts a channel down, waiting briefly for calls in flight. */
  public static void close(ManagedChannel channel) {
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
