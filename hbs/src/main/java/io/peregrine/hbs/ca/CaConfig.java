package io.peregrine.hbs.ca;

import io.peregrine.common.config.Checks;
import java.time.Duration;

/**
 * hbs as the agents' certificate authority (section {@code hbs.ca}, docs/SECURITY.md "Agent identity").
 *
 * @param enabled answer {@code POST /api/v1/agents/enroll} and the revocation routes; off = they answer 404
 * @param dir where hbs keeps the CA it generates on first start ({@code ca.crt}, {@code ca.key} owner-only) when
 *     {@code cert} is empty
 * @param cert a PEM file of a CA (an intermediate of your own CA) to sign with instead, its chain after it; empty =
 *     the generated one in {@code dir}
 * @param keySecret the PEM PKCS#8 private key of {@code cert}: {@code file:/path} or {@code env:NAME} like every secret
 *     (never logged, redacted in {@code peregrine config})
 * @param certLifetime how long an agent certificate is valid; agents renew at two thirds of it
 */
public record CaConfig(boolean enabled, String dir, String cert, String keySecret, Duration certLifetime) {
  /** A day: a revoked or stolen node certificate is dead within a day even where no revocation list is read. */
  public static final Duration DEFAULT_CERT_LIFETIME = Duration.ofHours(24);
  /** Short enough that an agent renews within a restart's time; long enough that hbs is not asked every minute. */
  public static final Duration MIN_CERT_LIFETIME = Duration.ofMinutes(10);
  public static final Duration MAX_CERT_LIFETIME = Duration.ofDays(30);

  public CaConfig {
    dir = dir == null || dir.isBlank() ? "./data/hbs/ca" : dir.trim();
    cert = cert == null ? "" : cert.trim();
    keySecret = keySecret == null ? "" : keySecret;
    certLifetime = certLifetime == null ? DEFAULT_CERT_LIFETIME : certLifetime;
    Checks.positive("hbs.ca.certLifetime", certLifetime);
    if (certLifetime.compareTo(MIN_CERT_LIFETIME) < 0 || certLifetime.compareTo(MAX_CERT_LIFETIME) > 0) {
      throw new IllegalArgumentException("hbs.ca.certLifetime must be within " + MIN_CERT_LIFETIME + ".."
          + MAX_CERT_LIFETIME + ": " + certLifetime);
    }
    if (cert.isEmpty() != keySecret.isEmpty()) {
      throw new IllegalArgumentException("hbs.ca.cert and hbs.ca.keySecret go together (a CA certificate file and "
          + "its key as file:/path or env:NAME)");
    }
  }

  public static CaConfig off() {
    return new CaConfig(false, "./data/hbs/ca", "", "", DEFAULT_CERT_LIFETIME);
  }

  /** The generated CA in {@code dir}, issuing for {@code lifetime}. */
  public static CaConfig generated(String dir, Duration lifetime) {
    return new CaConfig(true, dir, "", "", lifetime);
  }
}
