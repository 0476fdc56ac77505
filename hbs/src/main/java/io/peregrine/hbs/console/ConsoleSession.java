package io.peregrine.hbs.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;

/**
 * The console's session cookie and CSRF token. The cookie holds an hbs session token ({@code HttpOnly}, so page
 * scripts never see it; {@code SameSite=Strict}, so other sites' pages do not send it). The CSRF token is derived
 * from the session token by a hash: the server keeps nothing extra, a page learns it only from the login or
 * session answer (same origin), and another site, which can neither read the cookie nor those answers, cannot make
 * it up. Every request authenticated by the cookie that is not a GET or HEAD must carry it in {@link #CSRF_HEADER}.
 */
public final class ConsoleSession {
  public static final String COOKIE = "peregrine_session";
  public static final String CSRF_HEADER = "X-Peregrine-CSRF";

  private ConsoleSession() {}

  /** The CSRF token belonging to a session token. */
  public static String csrf(String sessionToken) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(("peregrine-console-csrf:" + sessionToken).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** True when {@code given} is the session's CSRF token (compared in constant time). */
  public static boolean csrfMatches(String sessionToken, String given) {
    return given != null && MessageDigest.isEqual(csrf(sessionToken).getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
  }

  /** The {@code Set-Cookie} value that starts a session lasting {@code lifetime}. */
  public static String setCookie(String sessionToken, Duration lifetime, boolean secure) {
    return COOKIE + "=" + sessionToken + "; Path=/; Max-Age=" + lifetime.toSeconds() + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  /** The {@code Set-Cookie} value that ends it in the browser. */
  public static String clearCookie(boolean secure) {
    return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  }
}
