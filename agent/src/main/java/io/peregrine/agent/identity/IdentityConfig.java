package io.peregrine.agent.identity;

/**
 * The agent's certificate from hbs (section {@code agent.identity}, docs/SECURITY.md "Agent identity").
 *
 * @param enrollUrl hbs's HTTP address ({@code https://hbs.peregrine.svc:6031}); empty = off, the agent presents the
 *     {@code tls.cert}/{@code tls.key} it is given
 * @param bootstrapToken a hbs token with scope {@code enroll}, used when the agent has no valid certificate (first
 *     start, or one that expired); {@code file:/path} or {@code env:NAME}. Renewals use the current certificate
 * @param dir where the key ({@code agent.key}, owner-only) and the certificate ({@code agent.crt}) are kept
 * @param renewAt the fraction of a certificate's life after which it is renewed
 */
public record IdentityConfig(String enrollUrl, String bootstrapToken, String dir, double renewAt) {
  public static final double DEFAULT_RENEW_AT = 2.0 / 3;

  public IdentityConfig {
    enrollUrl = enrollUrl == null ? "" : enrollUrl.trim();
    bootstrapToken = bootstrapToken == null ? "" : bootstrapToken.trim();
    dir = dir == null || dir.isBlank() ? "./data/agent/identity" : dir.trim();
    if (!enrollUrl.isEmpty() && !enrollUrl.startsWith("https://") && !enrollUrl.startsWith("http://")) {
      throw new IllegalArgumentException("agent.identity.enrollUrl must be an https:// URL of hbs: '" + enrollUrl
          + "'");
    }
    if (!(renewAt >= 0.1 && renewAt <= 0.9)) {
      throw new IllegalArgumentException("agent.identity.renewAt must be within 0.1..0.9 (a fraction of the "
          + "certificate's life): " + renewAt);
    }
  }

  public static IdentityConfig off() {
    return new IdentityConfig("", "", "./data/agent/identity", DEFAULT_RENEW_AT);
  }

  public boolean enabled() {
    return !enrollUrl.isEmpty();
  }
}
