package io.peregrine.common.auth;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.tls.RevokedSerials;
import javax.net.ssl.SSLSession;

/**
 * Refuses every call whose caller presented a client certificate with a revoked serial (hbs's list, see
 * {@link RevocationListFetcher}) with UNAUTHENTICATED naming the serial and the node. Checked per call rather than
 * in the trust manager, so a revocation also ends long-lived connections' next calls, not only new handshakes.
 * Callers without a certificate and the health service are not checked here.
 */
public final class RevokedCertificateInterceptor implements ServerInterceptor {
  private final RevokedCertificateCheck check;

  public RevokedCertificateInterceptor(String component, RevokedSerials revoked, MeterRegistry registry) {
    this(new RevokedCertificateCheck(component, revoked, registry));
  }

  public RevokedCertificateInterceptor(RevokedCertificateCheck check) {
    this.check = check;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    if (call.getMethodDescriptor().getFullMethodName().startsWith("grpc.health.")) {
      return next.startCall(call, headers);
    }
    SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    String refusal = check.refusal(ssl);
    if (refusal == null) {
      return next.startCall(call, headers);
    }
    call.close(Status.UNAUTHENTICATED.withDescription(refusal), new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
