package io.peregrine.common.auth;

import java.util.Locale;

/**
 * What a caller may do, as hbs's tokens say ({@code read}, {@code write}, {@code admin}, {@code push}). {@code admin}
 * covers every other scope and {@code write} covers {@code read}: the same rule as hbs's own scopes, so a token made
 * in hbs means the same on every component.
 */
public enum Scope {
  READ, WRITE, ADMIN, PUSH;

  /** True when holding this scope allows what {@code needed} guards. */
  public boolean covers(Scope needed) {
    return this == needed || this == ADMIN || (this == WRITE && needed == READ);
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code "read"} -> READ; null for a word this version does not know (a newer hbs may have more). */
  public static Scope fromWire(String s) {
    for (Scope scope : values()) {
      if (scope.wire().equals(s)) {
        return scope;
      }
    }
    return null;
  }
}
