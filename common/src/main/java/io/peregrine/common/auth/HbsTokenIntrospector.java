package io.peregrine.common.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Checks a token by asking hbs who it belongs to ({@code GET /api/v1/auth/me} with the token): 200 is the token's
 * user and scopes (capped by the user's role, as hbs computes them), 401 an invalid token, anything else or no answer
 * within {@link #TIMEOUT} a check that could not be made. Wrap it in {@link CachedTokenCheck}: hbs is asked once per
 * token and cache period, not per request.
 */
public final class HbsTokenIntrospector implements TokenCheck {
  /** hbs answers from its database in milliseconds; two seconds covers a pool wait without holding callers long. */
  static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI me;
  private final HttpClient client;

  /**
   * @param hbsUrl hbs's HTTP base address ({@code http://hbs:6031})
   * @param ssl the context for an {@code https://} address (trusting hbs's CA), or null for the JVM's default
   */
  public HbsTokenIntrospector(String hbsUrl, SSLContext ssl) {
    String base = hbsUrl.endsWith("/") ? hbsUrl.substring(0, hbsUrl.length() - 1) : hbsUrl;
    this.me = URI.create(base + "/api/v1/auth/me");
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.client = b.build();
  }

  @Override
  public Verdict check(String token) {
    HttpRequest request = HttpRequest.newBuilder(me).timeout(TIMEOUT)
        .header("Authorization", Bearer.header(token)).GET().build();
    HttpResponse<String> answer;
    try {
      answer = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new Verdict.Unavailable("cannot reach hbs at " + me + " to check the token: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Verdict.Unavailable("interrupted while checking the token at hbs");
    }
    if (answer.statusCode() == 401) {
      return new Verdict.Invalid("the token is unknown, revoked or expired");
    }
    if (answer.statusCode() != 200) {
      return new Verdict.Unavailable("hbs answered " + answer.statusCode() + " to the token check at " + me);
    }
    try {
      JsonNode body = JSON.readTree(answer.body());
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      body.path("scopes").forEach(s -> {
        Scope scope = Scope.fromWire(s.asText());
        if (scope != null) {
          scopes.add(scope);
        }
      });
      return new Verdict.Valid(new Caller(body.path("user").asText("?"), scopes));
    } catch (IOException e) {
      return new Verdict.Unavailable("hbs's answer to the token check is not JSON: " + e.getMessage());
    }
  }
}
