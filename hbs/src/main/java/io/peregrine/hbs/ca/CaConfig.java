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
 * @param keyFile the PEM PKCS#8 private key of {@code cert} as a path, read again with {@code cert} (what a renewed
 *     intermediate needs when its key changes); instead of {@code keySecret}
 * @param reloadInterval how often {@code cert} and its key (or the generated CA's files in {@code dir}) are read
 *     again: a renewed CA signs the next certificate without a restart
 */
public record CaConfig(boolean enabled, String dir, String cert, String keySecret, Duration certLifetime,
    String keyFile, Duration reloadInterval) {
  /** As often as the TLS files are read again (tls.reloadInterval): a Secret update is seen in the same time. */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(30);
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
    keyFile = keyFile == null ? "" : keyFile.trim();
    reloadInterval = reloadInterval == null ? DEFAULT_RELOAD_INTERVAL : reloadInterval;
    Checks.positive("hbs.ca.certLifetime", certLifetime);
    Checks.positive("hbs.ca.reloadInterval", reloadInterval);
    if (certLifetime.compareTo(MIN_CERT_LIFETIME) < 0 || certLifetime.compareTo(MAX_CERT_LIFETIME) > 0) {
      throw new IllegalArgumentException("hbs.ca.certLifetime must be within " + MIN_CERT_LIFETIME + ".."
          + MAX_CERT_LIFETIME + ": " + certLifetime);
    }
    if (!keyFile.isEmpty() && !keySecret.isEmpty()) {
      throw new IllegalArgumentException("hbs.ca.keyFile and hbs.ca.keySecret are two ways to give one key: set one");
    }
    if (cert.isEmpty() != (keySecret.isEmpty() && keyFile.isEmpty())) {
      throw new IllegalArgumentException("hbs.ca.cert and its key go together (a CA certificate file and its key as "
          + "hbs.ca.keyFile, a path read again with the certificate, or hbs.ca.keySecret, file:/path or env:NAME "
          + "read at start)");
    }
  }

  /** Without {@code keyFile}, reloaded every {@link #DEFAULT_RELOAD_INTERVAL}. */
  public CaConfig(boolean enabled, String dir, String cert, String keySecret, Duration certLifetime) {
    this(enabled, dir, cert, keySecret, certLifetime, "", DEFAULT_RELOAD_INTERVAL);
  }

  public static CaConfig off() {
    return new CaConfig(false, "./data/hbs/ca", "", "", DEFAULT_CERT_LIFETIME);
  }

  /** The generated CA in {@code dir}, issuing for {@code lifetime}. */
  public static CaConfig generated(String dir, Duration lifetime) {
    return new CaConfig(true, dir, "", "", lifetime);
  }
}
