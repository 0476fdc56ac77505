package io.peregrine.common.auth;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Checks the {@code authorization} metadata of every gRPC call against the method's scope: UNAUTHENTICATED without
 * a valid token, PERMISSION_DENIED with one that lacks the scope, UNAVAILABLE when the token cannot be checked. The
 * gRPC health service stays open (probes). With {@code certPush}, a push from a caller whose client certificate the
 * TLS layer verified needs no token (mTLS is the pipeline hops' proof). Install it inside the offloading
 * interceptor: a check may wait on hbs and must not run on the event loop.
 */
public final class GrpcTokenInterceptor implements ServerInterceptor {
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Gatekeeper gate;
  private final boolean certPush;

  public GrpcTokenInterceptor(Gatekeeper gate, boolean certPush) {
    this.gate = gate;
    this.certPush = certPush;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Scope needed = method.startsWith("grpc.health.") ? null : gate.scopeFor("", method);
    if (needed == null || (certPush && needed == Scope.PUSH && verifiedPeer(call))) {
      return next.startCall(call, headers);
    }
    Gatekeeper.Refusal refusal = gate.decide(needed, headers.get(AUTHORIZATION));
    if (refusal == null) {
      return next.startCall(call, headers);
    }
    Status status = switch (refusal.reason()) {
      case NO_TOKEN, BAD_TOKEN -> Status.UNAUTHENTICATED;
      case SCOPE -> Status.PERMISSION_DENIED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
    };
    call.close(status.withDescription(refusal.message()), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /** True when the call came over TLS with a client certificate (verified against tls.ca by the handshake). */
  static boolean verifiedPeer(ServerCall<?, ?> call) {
    SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (ssl == null) {
      return false;
    }
    try {
      return ssl.getPeerCertificates().length > 0;
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }
}
