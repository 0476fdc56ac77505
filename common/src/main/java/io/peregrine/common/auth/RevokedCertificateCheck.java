package io.peregrine.common.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.tls.RevokedSerials;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Whether a caller's client certificate is one hbs revoked: the one decision behind every listener's refusal (the
 * gRPC interceptor, transfer's HTTP push, hbs's HTTPS admin port), with one message and one count,
 * {@code <component>_auth_refused_total{reason="revoked_certificate"}}. Callers without a certificate pass.
 */
public final class RevokedCertificateCheck {
  private final String component;
  private final RevokedSerials revoked;
  private final Counter refused;

  public RevokedCertificateCheck(String component, RevokedSerials revoked, MeterRegistry registry) {
    this.component = component;
    this.revoked = revoked;
    this.refused = Counter.builder(component + "_auth_refused_total").tag("reason", "revoked_certificate")
        .description("calls refused for want of a valid token of the route's scope").register(registry);
  }

  /** The refusal for a TLS session's peer (null session, no certificate or not revoked: null). Counted. */
  public String refusal(SSLSession session) {
    return refusal(session == null ? null : leaf(session));
  }

  /** The refusal for a client certificate (null or not revoked: null). Counted. */
  public String refusal(X509Certificate cert) {
    if (cert == null || !revoked.contains(cert.getSerialNumber())) {
      return null;
    }
    refused.increment();
    return component + ": the client certificate of '" + OwnEndpointInterceptor.commonName(cert) + "' (serial "
        + cert.getSerialNumber().toString(16) + ") is revoked; the node needs a new certificate from hbs once an "
        + "admin lifts its revocation";
  }

  /** The leaf of a session's verified peer chain, or null. */
  static X509Certificate leaf(SSLSession ssl) {
    try {
      Certificate[] chain = ssl.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
