package io.peregrine.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.server.SelfMetrics;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GatekeeperTest {
  static final Map<String, Caller> TOKENS = Map.of(
      "pgr_reader", new Caller("viewer", Set.of(Scope.READ)),
      "pgr_pusher", new Caller("agent", Set.of(Scope.PUSH)),
      "pgr_writer", new Caller("editor", Set.of(Scope.WRITE, Scope.PUSH)),
      "pgr_admin", new Caller("admin", Set.of(Scope.ADMIN)));

  /** Tokens as hbs would answer for them; "pgr_down" stands for hbs being unreachable. */
  static TokenCheck.Verdict answer(String token) {
    if (token.equals("pgr_down")) {
      return new TokenCheck.Verdict.Unavailable("cannot reach hbs");
    }
    Caller c = TOKENS.get(token);
    return c == null ? new TokenCheck.Verdict.Invalid("the token is unknown, revoked or expired")
        : new TokenCheck.Verdict.Valid(c);
  }

  private final PrometheusMeterRegistry registry = SelfMetrics.newRegistry("demo");
  private final Gatekeeper gate = new Gatekeeper("demo", GatekeeperTest::answer,
      (method, path) -> path.startsWith("/admin") ? Scope.ADMIN : Scope.READ, registry);

  @Test
  void eachRefusalHasItsStatusAndSaysWhatToSend() {
    assertThat(gate.decide("GET", "/q", null).httpStatus()).isEqualTo(401);
    assertThat(gate.decide("GET", "/q", null).message()).contains("Authorization: Bearer", "scope 'read'");
    assertThat(gate.decide("GET", "/q", "Basic abc").reason()).isEqualTo(Gatekeeper.Reason.NO_TOKEN);
    assertThat(gate.decide("GET", "/q", "Bearer pgr_nope").reason()).isEqualTo(Gatekeeper.Reason.BAD_TOKEN);
    assertThat(gate.decide("GET", "/q", "Bearer pgr_pusher").httpStatus()).isEqualTo(403);
    assertThat(gate.decide("GET", "/q", "Bearer pgr_pusher").message())
        .contains("'agent'", "lacks scope 'read'", "[push]");
    assertThat(gate.decide("GET", "/q", "Bearer pgr_down").httpStatus()).isEqualTo(503);
    assertThat(registry.get("demo_auth_refused_total").tag("reason", "scope").counter().count()).isEqualTo(2);
  }

  @Test
  void scopesCoverAsHbsSays() {
    assertThat(gate.decide("GET", "/q", "Bearer pgr_reader")).isNull();
    assertThat(gate.decide("GET", "/q", "bearer pgr_writer")).isNull(); // write covers read
    assertThat(gate.decide("GET", "/admin/x", "Bearer pgr_writer").httpStatus()).isEqualTo(403);
    assertThat(gate.decide("GET", "/admin/x", "Bearer pgr_admin")).isNull();
    assertThat(gate.decide(Scope.PUSH, "Bearer pgr_admin")).isNull(); // admin covers all
  }

  @Test
  void theCacheAsksOncePerTokenAndNeverKeepsAnUnmadeCheck() {
    AtomicInteger asked = new AtomicInteger();
    CachedTokenCheck cached = new CachedTokenCheck(t -> {
      asked.incrementAndGet();
      return answer(t);
    }, java.time.Duration.ofMinutes(1), 100);
    for (int i = 0; i < 5; i++) {
      assertThat(cached.check("pgr_reader")).isInstanceOf(TokenCheck.Verdict.Valid.class);
      assertThat(cached.check("pgr_nope")).isInstanceOf(TokenCheck.Verdict.Invalid.class);
      assertThat(cached.check("pgr_down")).isInstanceOf(TokenCheck.Verdict.Unavailable.class);
    }
    assertThat(asked).hasValue(2 + 5);
  }

  @Test
  void bearerHeadersAreParsedStrictly() {
    assertThat(Bearer.token("Bearer  pgr_x ")).isEqualTo("pgr_x");
    assertThat(Bearer.token("Bearer ")).isNull();
    assertThat(Bearer.token("Token pgr_x")).isNull();
    assertThat(Bearer.token("Bearer " + "x".repeat(300))).isNull();
  }
}
