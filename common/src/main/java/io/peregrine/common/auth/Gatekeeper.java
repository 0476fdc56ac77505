package io.peregrine.common.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Decides one call: the route's scope from the {@link AccessRule}, the token from the {@code Authorization} header,
 * the verdict from the {@link TokenCheck}. Shared by the HTTP guards and the gRPC interceptor so that every listener
 * of a component answers alike; counts refusals as {@code <component>_auth_refused_total{reason}}.
 */
public final class Gatekeeper {
  /** Why a call was refused; each is one status on HTTP and on gRPC. */
  public enum Reason {
    NO_TOKEN(401), BAD_TOKEN(401), SCOPE(403), UNAVAILABLE(503);

    public final int httpStatus;

    Reason(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A refusal: the reason and a message saying what to send instead. */
  public record Refusal(Reason reason, String message) {
    public int httpStatus() {
      return reason.httpStatus;
    }
  }

  private final String component;
  private final TokenCheck check;
  private final AccessRule rule;
  private final Map<Reason, Counter> refused = new EnumMap<>(Reason.class);

  public Gatekeeper(String component, TokenCheck check, AccessRule rule, MeterRegistry registry) {
    this.component = component;
    this.check = check;
    this.rule = rule;
    for (Reason r : Reason.values()) {
      refused.put(r, Counter.builder(component + "_auth_refused_total").tag("reason", r.tag())
          .description("calls refused for want of a valid token of the route's scope").register(registry));
    }
  }

  public Scope scopeFor(String method, String path) {
    return rule.scopeFor(method, path);
  }

  /** Null when the call may go on, else why not. */
  public Refusal decide(String method, String path, String authorization) {
    Scope needed = rule.scopeFor(method, path);
    return needed == null ? null : decide(needed, authorization);
  }

  /** The same for a scope already known. */
  public Refusal decide(Scope needed, String authorization) {
    String token = Bearer.token(authorization);
    if (token == null) {
      return refuse(Reason.NO_TOKEN, component + " wants a token with scope '" + needed.wire()
          + "': send 'Authorization: Bearer <token>' (tokens are made in hbs: POST /api/v1/tokens)");
    }
    TokenCheck.Verdict verdict = check.check(token);
    if (verdict instanceof TokenCheck.Verdict.Valid v) {
      if (v.caller().allows(needed)) {
        return null;
      }
      return refuse(Reason.SCOPE, "the token of '" + v.caller().user() + "' lacks scope '" + needed.wire()
          + "' for this route (it has " + v.caller().scopes().stream().map(Scope::wire).sorted().toList() + ")");
    }
    if (verdict instanceof TokenCheck.Verdict.Invalid i) {
      return refuse(Reason.BAD_TOKEN, component + ": " + i.reason());
    }
    return refuse(Reason.UNAVAILABLE, component + ": " + ((TokenCheck.Verdict.Unavailable) verdict).reason()
        + "; retry later");
  }

  private Refusal refuse(Reason reason, String message) {
    refused.get(reason).increment();
    return new Refusal(reason, message);
  }
}
