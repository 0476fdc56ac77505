package io.peregrine.hbs.auth;

import java.util.Set;

/**
 * A stored token as the API lists it (never its secret, which is kept only as a hash). {@code kind} is {@code api}
 * for tokens made for scripts, {@code session} for the ones a login hands out. Times are unix seconds; an
 * {@code expiresAt} of 0 never expires, a {@code lastUsedAt} of 0 was never used.
 */
public record TokenRow(long id, long userId, String user, String name, Set<Scope> scopes, String kind,
    long createdAt, long expiresAt, long lastUsedAt) {
  public TokenRow {
    scopes = Set.copyOf(scopes);
  }
}
