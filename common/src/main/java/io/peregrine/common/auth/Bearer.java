package io.peregrine.common.auth;

/** Reads the token out of an {@code Authorization: Bearer <token>} header value. */
public final class Bearer {
  /** hbs's tokens are {@code pgr_} and 43 base64url characters; anything far longer is not a token. */
  static final int MAX_TOKEN_CHARS = 256;

  private Bearer() {}

  /** The token, or null when the header is absent, not a Bearer header, empty or too long. */
  public static String token(String header) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = h.substring(7).trim();
    return t.isEmpty() || t.length() > MAX_TOKEN_CHARS ? null : t;
  }

  public static String header(String token) {
    return "Bearer " + token;
  }
}
