package io.peregrine.hbs.auth;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.auth.CachedTokenCheck;
import io.peregrine.common.auth.Caller;
import io.peregrine.common.auth.Gatekeeper;
import io.peregrine.common.auth.GrpcTokenInterceptor;
import io.peregrine.common.auth.Scope;
import io.peregrine.common.auth.TokenCheck;
import java.util.EnumSet;
import java.util.Set;

/**
 * The token check of hbs's gRPC port ({@code hbs.auth.required}): agents' heartbeats need scope push (or a client
 * certificate hbs's {@code tls.ca} verified, with {@code auth.certPush}), judges' strategy and liveness pulls and
 * senders' receiver look-ups need read. Tokens are hbs's own, checked in its database and cached as
 * {@code hbs.auth.cacheTtl} says (a heartbeat every few seconds per agent must not be a query each).
 */
public final class GrpcAccess {
  private GrpcAccess() {}

  /** The interceptor, or null when {@code auth.required} is off. */
  public static GrpcTokenInterceptor interceptor(AuthConfig auth, TokenVerifier verifier, MeterRegistry registry) {
    if (!auth.required()) {
      return null;
    }
    TokenCheck check = new CachedTokenCheck(local(verifier), auth.cacheTtl(), auth.cacheSize());
    return new GrpcTokenInterceptor(new Gatekeeper("hbs", check, GrpcAccess::scopeFor, registry), auth.certPush());
  }

  static Scope scopeFor(String method, String fullMethod) {
    return switch (fullMethod) {
      case "peregrine.v1.Hbs/Heartbeat" -> Scope.PUSH;
      // sender writes incident history into hbs's database
      case "peregrine.v1.Hbs/RecordIncidentEvents" -> Scope.WRITE;
      default -> Scope.READ;
    };
  }

  /** hbs's principal as the common check's caller; a database that does not answer is "unavailable". */
  static TokenCheck local(TokenVerifier verifier) {
    return token -> {
      try {
        return verifier.verify(token)
            .<TokenCheck.Verdict>map(p -> new TokenCheck.Verdict.Valid(new Caller(p.user(), scopes(p))))
            .orElse(new TokenCheck.Verdict.Invalid("the token is unknown, revoked or expired"));
      } catch (RuntimeException e) {
        return new TokenCheck.Verdict.Unavailable("cannot check the token in hbs's database: " + e.getMessage());
      }
    };
  }

  private static Set<Scope> scopes(Principal p) {
    Set<Scope> out = EnumSet.noneOf(Scope.class);
    for (io.peregrine.hbs.auth.Scope s : p.scopes()) {
      Scope common = Scope.fromWire(s.wire());
      if (common != null) {
        out.add(common); // enroll has no meaning on the gRPC port
      }
    }
    return out;
  }
}
