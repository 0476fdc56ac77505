package io.peregrine.common.auth;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;

/** Builds a component's {@link Gatekeeper} from its {@code auth} block. */
public final class TokenChecks {
  private TokenChecks() {}

  /**
   * The gatekeeper of a component that checks tokens at hbs, or null when {@code auth.required} is off.
   *
   * @param tls the component's TLS material: an {@code https://} hbsUrl is dialled trusting its {@code ca} when the
   *     component's {@code tls.client} is on, else the JVM's CAs
   */
  public static Gatekeeper atHbs(String component, AuthConfig auth, TlsMaterial tls, AccessRule rule,
      MeterRegistry registry) {
    if (!auth.required()) {
      return null;
    }
    auth.requireHbsUrl(component);
    boolean https = auth.hbsUrl().startsWith("https://");
    TokenCheck introspect = new HbsTokenIntrospector(auth.hbsUrl(),
        https && tls.clientTls() ? TlsContexts.jdkClient(tls) : null);
    return new Gatekeeper(component, new CachedTokenCheck(introspect, auth.cacheTtl(), auth.cacheSize()), rule,
        registry);
  }
}
