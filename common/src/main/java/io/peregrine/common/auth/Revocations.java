package io.peregrine.common.auth;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.tls.RevokedSerials;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.time.Clock;

/**
 * The revocation check a component's listeners get from its {@code auth.revocationUrl}: the check (for HTTP
 * listeners), the gRPC interceptor built on it, and the fetcher that keeps their list, or nothing when the URL is
 * empty.
 */
public record Revocations(RevokedCertificateCheck check, RevokedCertificateInterceptor interceptor,
    RevocationListFetcher fetcher) {

  /** Null when {@code auth.revocationUrl} is empty. An https URL trusts the component's {@code tls.ca}. */
  public static Revocations of(String component, AuthConfig auth, TlsMaterial tls, Clock clock,
      MeterRegistry registry) {
    if (auth.revocationUrl().isEmpty()) {
      return null;
    }
    RevokedSerials serials = new RevokedSerials();
    boolean https = auth.revocationUrl().startsWith("https://");
    RevocationListFetcher fetcher = new RevocationListFetcher(component, auth.revocationUrl(),
        https && tls.clientTls() ? TlsContexts.jdkClient(tls) : null, auth.revocationRefresh(), serials, clock,
        registry);
    RevokedCertificateCheck check = new RevokedCertificateCheck(component, serials, registry);
    return new Revocations(check, new RevokedCertificateInterceptor(check), fetcher);
  }
}
