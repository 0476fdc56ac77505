package io.peregrine.hbs.auth;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A user's role, kept in Open-Falcon's {@code user.role} column: 0 viewer (Open-Falcon's plain user), 1 editor
 * (Open-Falcon's admin), 2 admin (Open-Falcon's root). A token never does more than its user's role allows: the
 * scopes a request gets are the token's scopes that the role grants, looked up on every request, so demoting a user
 * takes effect at once.
 */
public enum Role {
  VIEWER(EnumSet.of(Scope.READ)),
  EDITOR(EnumSet.of(Scope.READ, Scope.WRITE, Scope.PUSH)),
  ADMIN(EnumSet.allOf(Scope.class));

  private final Set<Scope> grants;

  Role(Set<Scope> grants) {
    this.grants = grants;
  }

  public Set<Scope> grants() {
    return EnumSet.copyOf(grants);
  }

  public int code() {
    return ordinal();
  }

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The stored code; one outside 0..2 (hand-written SQL) reads as viewer, the least a user can do. */
  public static Role of(int code) {
    return code >= 0 && code < values().length ? values()[code] : VIEWER;
  }

  public static Role parse(String s) {
    for (Role r : values()) {
      if (r.wire().equals(s)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role '" + s + "' (viewer, editor, admin)");
  }
}
