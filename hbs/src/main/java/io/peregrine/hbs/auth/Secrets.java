package io.peregrine.hbs.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Token and password secrets. Tokens are 32 random bytes (256 bits), so a plain SHA-256 of them is safe to store and
 * quick to look up; passwords are chosen by people, so they are stored as BCrypt hashes (Spring Security Crypto,
 * cost {@value #BCRYPT_COST}: about 50-100 ms per check, which is what slows guessing down).
 */
public final class Secrets {
  /** Every token starts with this, so a leaked one is recognisable (secret scanners, logs). */
  public static final String TOKEN_PREFIX = "pgr_";
  static final int BCRYPT_COST = 10;
  /** BCrypt reads at most 72 bytes; a longer password would be silently cut, so it is refused instead. */
  public static final int MAX_PASSWORD_BYTES = 72;
  public static final int MIN_PASSWORD_LENGTH = 12;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder(BCRYPT_COST, RANDOM);

  private Secrets() {}

  public static String newToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A password for the first admin when none is given: 24 characters of base64url (144 bits). */
  public static String newPassword() {
    byte[] b = new byte[18];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static String tokenHash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Null when the password is acceptable, else what is wrong with it. */
  public static String passwordProblem(String password) {
    if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
      return "must be at least " + MIN_PASSWORD_LENGTH + " characters";
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
      return "must be at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8 (BCrypt reads no further)";
    }
    return null;
  }

  public static String hashPassword(String password) {
    String problem = passwordProblem(password);
    if (problem != null) {
      throw new IllegalArgumentException("password " + problem);
    }
    return BCRYPT.encode(password);
  }

  /** False for a null hash (a user without a password cannot log in). */
  public static boolean passwordMatches(String password, String hash) {
    return hash != null && password != null && !hash.isEmpty() && BCRYPT.matches(password, hash);
  }
}
