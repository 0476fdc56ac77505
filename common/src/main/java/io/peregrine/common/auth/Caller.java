package io.peregrine.common.auth;

import java.util.Set;

/** Who a valid token belongs to and the scopes it carries. */
public record Caller(String user, Set<Scope> scopes) {
  public Caller {
    scopes = Set.copyOf(scopes);
  }

  public boolean allows(Scope needed) {
    return scopes.stream().anyMatch(s -> s.covers(needed));
  }
}
