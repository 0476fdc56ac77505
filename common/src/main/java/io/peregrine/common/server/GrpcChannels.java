package io.peregrine.common.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.peregrine.common.auth.BearerClientInterceptor;
import io.peregrine.common.config.HostPort;
import io.peregrine.common.model.Limits;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.util.concurrent.TimeUnit;

/**
 * Client channels with the pipeline's settings: 16 MiB messages, keepalive, and plaintext or TLS as the component's
 * {@code tls.client} says (trusting {@code tls.ca}, presenting {@code tls.cert} for mTLS, expecting
 * {@code tls.serverName} in the server's certificate when set).
 */
public final class GrpcChannels {
  private GrpcChannels() {}

  /** A plaintext channel. */
  public static ManagedChannel forAddress(String address) {
    return forAddress(address, TlsMaterial.plaintext("channel"));
  }

  /** A channel as {@code tls} says, sending its {@link TlsMaterial#callToken() call token} when it has one. */
  public static ManagedChannel forAddress(String address, TlsMaterial tls) {
    return forAddress(address, tls, tls.callToken());
  }

  /** A channel that also sends {@code token} (when not empty) as {@code authorization: Bearer} on every call. */
  public static ManagedChannel forAddress(String address, TlsMaterial tls, String token) {
    return builder(address, tls, token).build();
  }

  /** The builder behind {@link #forAddress(String, TlsMaterial)}, for a caller that adds settings of its own. */
  public static NettyChannelBuilder builder(String address, TlsMaterial tls) {
    return builder(address, tls, tls.callToken());
  }

  private static NettyChannelBuilder builder(String address, TlsMaterial tls, String token) {
    HostPort hp = HostPort.parse(address);
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(hp.host(), hp.port());
    if (tls.clientTls()) {
      builder.sslContext(TlsContexts.grpcClient(tls));
      if (!tls.config().serverName().isEmpty()) {
        // the name checked in the server's certificate and sent as SNI, when it is not the dialled host
        builder.overrideAuthority(tls.config().serverName() + ":" + hp.port());
      }
    } else {
      builder.usePlaintext();
    }
    if (token != null && !token.isEmpty()) {
      builder.intercept(new BearerClientInterceptor(token));
    }
    return builder
        .maxInboundMessageSize(Limits.MAX_MESSAGE_BYTES)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true);
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
