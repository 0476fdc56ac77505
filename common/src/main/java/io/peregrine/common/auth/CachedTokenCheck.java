package io.peregrine.common.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Keeps the answers of another check for a while, bounded: valid answers for {@code ttl}, refusals for at most
 * {@link #INVALID_TTL} (a token made a second ago works soon), answers that could not be made not at all (the next
 * call asks again). Keys are the tokens' SHA-256, so the cache holds no secret.
 */
public final class CachedTokenCheck implements TokenCheck {
  /** Long enough that a script retrying a bad token does not reach hbs on every request. */
  static final Duration INVALID_TTL = Duration.ofSeconds(5);

  private final TokenCheck delegate;
  private final Cache<String, Verdict> cache;

  public CachedTokenCheck(TokenCheck delegate, Duration ttl, int maxTokens) {
    this.delegate = delegate;
    Duration invalid = ttl.compareTo(INVALID_TTL) < 0 ? ttl : INVALID_TTL;
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxTokens)
        .expireAfter(Expiry.<String, Verdict>creating((key, verdict) -> verdict instanceof Verdict.Valid ? ttl
            : verdict instanceof Verdict.Invalid ? invalid : Duration.ZERO))
        .build();
  }

  @Override
  public Verdict check(String token) {
    // get(key, loader) lets concurrent first requests with one token share one lookup
    return cache.get(sha256(token), k -> delegate.check(token));
  }

  /** Forgets every answer (tests; an operator's revocation is bounded by the ttl instead). */
  public void clear() {
    cache.invalidateAll();
  }

  static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
