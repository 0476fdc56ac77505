package io.peregrine.common.auth;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.tls.RevokedSerials;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Refuses every call whose caller presented a client certificate with a revoked serial (hbs's list, see
 * {@link RevocationListFetcher}) with UNAUTHENTICATED naming the serial and the node. Checked per call rather than
 * in the trust manager, so a revocation also ends long-lived connections' next calls, not only new handshakes.
 * Callers without a certificate and the health service are not checked here.
 */
public final class RevokedCertificateInterceptor implements ServerInterceptor {
  private final String component;
  private final RevokedSerials revoked;
  private final Counter refused;

  public RevokedCertificateInterceptor(String component, RevokedSerials revoked, MeterRegistry registry) {
    this.component = component;
    this.revoked = revoked;
    this.refused = Counter.builder(component + "_auth_refused_total").tag("reason", "revoked_certificate")
        .description("calls refused for want of a valid token of the route's scope").register(registry);
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    X509Certificate cert = peer(call);
    if (cert == null || !revoked.contains(cert.getSerialNumber())
        || call.getMethodDescriptor().getFullMethodName().startsWith("grpc.health.")) {
      return next.startCall(call, headers);
    }
    refused.increment();
    call.close(Status.UNAUTHENTICATED.withDescription(component + ": the client certificate of '"
        + OwnEndpointInterceptor.commonName(cert) + "' (serial " + cert.getSerialNumber().toString(16)
        + ") is revoked; the node needs a new certificate from hbs once an admin lifts its revocation"),
        new Metadata());
    return new ServerCall.Listener<>() {};
  }

  static X509Certificate peer(ServerCall<?, ?> call) {
    SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (ssl == null) {
      return null;
    }
    try {
      Certificate[] chain = ssl.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
