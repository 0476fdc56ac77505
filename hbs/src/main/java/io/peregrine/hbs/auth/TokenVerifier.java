package io.peregrine.hbs.auth;

import java.util.Optional;

/**
 * Turns the secret of an {@code Authorization: Bearer} header into the principal it belongs to. hbs's admin API uses
 * {@link TokenStore}; another server that wants to accept hbs's tokens (e.g. for the {@code push} scope) can take
 * this interface and check {@link Principal#allows} itself.
 */
public interface TokenVerifier {
  /** The principal of a valid, unexpired token; empty for anything else (unknown, expired, malformed). */
  Optional<Principal> verify(String token);
}
