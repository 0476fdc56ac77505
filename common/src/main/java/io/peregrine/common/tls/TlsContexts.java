package io.peregrine.common.tls;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The TLS contexts a component's listeners and channels are built with, all from one {@link TlsMaterial}: they share
 * its reloading key and trust managers, so a rotation reaches every listener and channel at once. The JDK provider
 * is used throughout (no native library); its ALPN serves gRPC's h2.
 */
public final class TlsContexts {
  private TlsContexts() {}

  /** For a gRPC server: h2 over TLS, asking for client certificates as {@code clientAuth} says. */
  public static SslContext grpcServer(TlsMaterial tls) {
    requireServer(tls);
    SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forServer(tls.keyManager()), SslProvider.JDK);
    return build(tls, withClientAuth(tls, tls.config().clientAuth(), b));
  }

  /** For a gRPC channel: trusts {@code ca} (or the JVM's CAs) and presents {@code cert}/{@code key} when set. */
  public static SslContext grpcClient(TlsMaterial tls) {
    requireClient(tls);
    SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK);
    if (tls.trustManager() != null) {
      b.trustManager(tls.trustManager());
    }
    if (tls.keyManager() != null) {
      b.keyManager(tls.keyManager());
    }
    return build(tls, b);
  }

  /** For a Netty HTTP/1.1 listener (transfer's push API): no ALPN, the HTTP client-certificate rule. */
  public static SslContext nettyHttpServer(TlsMaterial tls) {
    requireServer(tls);
    SslContextBuilder b = SslContextBuilder.forServer(tls.keyManager()).sslProvider(SslProvider.JDK);
    return build(tls, withClientAuth(tls, tls.config().clientAuthForHttp(), b));
  }

  /** For a JDK or Jetty HTTPS listener; apply {@link #serverParameters} to each connection's parameters. */
  public static SSLContext jdkServer(TlsMaterial tls) {
    requireServer(tls);
    return jdk(tls.keyManager(), tls.trustManager());
  }

  /** For a JDK HTTP client: trusts {@code ca} (or the JVM's CAs), presents {@code cert}/{@code key} when set. */
  public static SSLContext jdkClient(TlsMaterial tls) {
    requireClient(tls);
    return jdk(tls.keyManager(), tls.trustManager());
  }

  /** Sets whether a JDK HTTP listener wants or needs a client certificate ({@code clientAuthForHttp}). */
  public static void serverParameters(TlsMaterial tls, SSLParameters params) {
    switch (tls.config().clientAuthForHttp()) {
      case REQUIRE -> params.setNeedClientAuth(true);
      case OPTIONAL -> params.setWantClientAuth(true);
      case NONE -> params.setWantClientAuth(false);
    }
  }

  private static SSLContext jdk(KeyManager km, TrustManager tm) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(km == null ? null : new KeyManager[] {km}, tm == null ? null : new TrustManager[] {tm}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new TlsException("cannot make a TLS context: " + e.getMessage(), e);
    }
  }

  private static SslContextBuilder withClientAuth(TlsMaterial tls, ClientAuth auth, SslContextBuilder b) {
    if (tls.trustManager() != null) {
      b.trustManager(tls.trustManager());
    }
    return b.clientAuth(switch (auth) {
      case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
      case OPTIONAL -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
      case REQUIRE -> io.netty.handler.ssl.ClientAuth.REQUIRE;
    });
  }

  private static SslContext build(TlsMaterial tls, SslContextBuilder b) {
    try {
      return b.build();
    } catch (SSLException e) {
      throw new TlsException(tls.name() + ": cannot make a TLS context: " + e.getMessage(), e);
    }
  }

  private static void requireServer(TlsMaterial tls) {
    if (!tls.serverTls() || tls.keyManager() == null) {
      throw new IllegalStateException(tls.name() + ": tls.server is off; no server context");
    }
  }

  private static void requireClient(TlsMaterial tls) {
    if (!tls.clientTls()) {
      throw new IllegalStateException(tls.name() + ": tls.client is off; no client context");
    }
  }
}
