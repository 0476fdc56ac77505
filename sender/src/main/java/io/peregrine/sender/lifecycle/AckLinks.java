package io.peregrine.sender.lifecycle;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring acknowledgement links: {@code <ackUrl>/ack?id=<event id>&exp=<unix s>&sig=<HMAC>}, where the
 * signature is HMAC-SHA256 with {@code sender.lifecycle.ackSecret} over {@code "ack\n" + id + "\n" + exp},
 * base64url without padding. A link names one incident and works until {@code exp}; changing any part of it breaks
 * the signature. Signatures are compared in constant time.
 */
public final class AckLinks {
  /** What a link's parameters are worth. */
  public enum Check { VALID, EXPIRED, TAMPERED }

  private final String base;
  private final byte[] secret;
  private final Duration ttl;

  /** @param base the sender's public URL, e.g. {@code https://sender.example.com} (no trailing slash needed) */
  public AckLinks(String base, String secret, Duration ttl) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.ttl = ttl;
  }

  /** The link for an incident, valid for the TTL from {@code nowSeconds}. */
  public String link(String id, long nowSeconds) {
    long exp = nowSeconds + ttl.toSeconds();
    return base + AckLinkHandler.PATH + "?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&exp=" + exp
        + "&sig=" + sign(id, exp);
  }

  public Check check(String id, String exp, String sig, long nowSeconds) {
    if (id == null || exp == null || sig == null) {
      return Check.TAMPERED;
    }
    long expires;
    try {
      expires = Long.parseLong(exp);
    } catch (NumberFormatException e) {
      return Check.TAMPERED;
    }
    byte[] expected = sign(id, expires).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, sig.getBytes(StandardCharsets.US_ASCII))) {
      return Check.TAMPERED;
    }
    return nowSeconds >= expires ? Check.EXPIRED : Check.VALID;
  }

  String sign(String id, long exp) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] sig = mac.doFinal(("ack\n" + id + "\n" + exp).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
    }
  }

  /** A short, stable fingerprint of the secret for the start log line (never the secret itself). */
  public String fingerprint() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret)).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
