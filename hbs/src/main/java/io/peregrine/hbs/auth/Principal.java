package io.peregrine.hbs.auth;

import java.util.Set;

/**
 * Who sent a request: the user, their role, the token that proved it and the scopes the request gets (the token's
 * scopes that the role grants).
 */
public record Principal(long userId, String user, Role role, long tokenId, Set<Scope> scopes) {
  public Principal {
    scopes = Set.copyOf(scopes);
  }

  public boolean allows(Scope needed) {
    return scopes.stream().anyMatch(s -> s.covers(needed));
  }
}
