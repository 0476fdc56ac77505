package io.peregrine.common.auth;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.tls.RevokedSerials;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.time.Clock;

/**
 * The revocation check a component's gRPC port gets from its {@code auth.revocationUrl}: the interceptor that refuses
 * revoked serials and the fetcher that keeps their list, or nothing when the URL is empty.
 */
public record Revocations(RevokedCertificateInterceptor interceptor, RevocationListFetcher fetcher) {

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
    return new Revocations(new RevokedCertificateInterceptor(component, serials, registry), fetcher);
  }
}
