package io.peregrine.hbs.auth;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a token may do. {@code read}: every GET of the admin API; {@code write}: changing the monitoring
 * configuration; {@code admin}: users, roles, other people's tokens and the audit log; {@code push}: sending metrics
 * (for components that check pushes against hbs's tokens; no hbs route needs it); {@code enroll}: an agent's bootstrap
 * token, good only for {@code POST /api/v1/agents/enroll} (a first certificate for a node name). {@code admin} covers every other
 * scope and {@code write} covers {@code read}, so a script needs one scope, not a list.
 */
public enum Scope {
  READ, WRITE, ADMIN, PUSH, ENROLL;

  /** True when holding this scope allows what {@code needed} guards. */
  public boolean covers(Scope needed) {
    return this == needed || this == ADMIN || (this == WRITE && needed == READ);
  }

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code "read"} -> READ; anything else is refused naming the accepted words. */
  public static Scope parse(String s) {
    for (Scope scope : values()) {
      if (scope.wire().equals(s)) {
        return scope;
      }
    }
    throw new IllegalArgumentException("unknown scope '" + s + "' (read, write, admin, push, enroll)");
  }

  /** A comma-separated list as stored in {@code api_token.scopes}. */
  public static Set<Scope> parseList(String csv) {
    Set<Scope> out = EnumSet.noneOf(Scope.class);
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        out.add(parse(s.trim()));
      }
    }
    return out;
  }

  public static String toList(Set<Scope> scopes) {
    return String.join(",", scopes.stream().sorted().map(Scope::wire).toList());
  }
}
