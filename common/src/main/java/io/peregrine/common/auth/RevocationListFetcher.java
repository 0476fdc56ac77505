package io.peregrine.common.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.tls.RevokedSerials;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a server's {@link RevokedSerials} in step with hbs: reads {@code GET /api/v1/agents/revoked} (the serials of
 * the unexpired agent certificates hbs revoked) at start and every {@code refresh}. A revocation in hbs is refused
 * here within one refresh while hbs answers. When hbs does not answer, the last list stays in force (fail open on
 * new revocations, never on old ones), the failure is counted, and {@code <component>_revocation_list_age_seconds}
 * grows: alert on it.
 */
public final class RevocationListFetcher implements Component {
  private static final Logger log = LoggerFactory.getLogger(RevocationListFetcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** A fleet revokes a handful of nodes; a million serials (~40 MB of JSON) would be a bug or an attack. */
  static final int MAX_SERIALS = 1_000_000;

  private final String name;
  private final URI url;
  private final HttpClient client;
  private final Duration refresh;
  private final RevokedSerials target;
  private final Clock clock;
  private final Counter ok;
  private final Counter failed;
  private volatile ScheduledExecutorService executor;

  /**
   * @param url hbs's list ({@code https://hbs:6031/api/v1/agents/revoked})
   * @param ssl the context for an {@code https://} url (trusting hbs's CA), or null for the JVM's default
   */
  public RevocationListFetcher(String component, String url, SSLContext ssl, Duration refresh, RevokedSerials target,
      Clock clock, MeterRegistry registry) {
    this.name = component + "-revocations";
    this.url = URI.create(url);
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.client = b.build();
    this.refresh = refresh;
    this.target = target;
    this.clock = clock;
    this.ok = Counter.builder(component + "_revocation_fetches").tag("result", "ok")
        .description("reads of hbs's list of revoked agent certificates").register(registry);
    this.failed = Counter.builder(component + "_revocation_fetches").tag("result", "failed")
        .description("reads of hbs's list of revoked agent certificates").register(registry);
    Gauge.builder(component + "_revocation_list_age_seconds", this, f -> f.ageSeconds())
        .description("how old the list of revoked agent certificates in use is (grows while hbs does not answer)")
        .register(registry);
    Gauge.builder(component + "_revoked_certificates", target, RevokedSerials::size)
        .description("revoked agent certificate serials refused").register(registry);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start() {
    if (!fetchNow()) {
      log.warn("{}: hbs's revocation list at {} could not be read at start; no serial is refused until it is", name,
          url);
    }
    executor = NamedExecutors.scheduled(name);
    executor.scheduleWithFixedDelay(this::fetchNow, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    log.info("{}: reading revoked agent certificates from {} every {} ms", name, url, refresh.toMillis());
  }

  /** Reads the list and installs it; false (logged, counted) when it could not be read. */
  public boolean fetchNow() {
    try {
      HttpResponse<String> answer = client.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        return fail("hbs answered " + answer.statusCode());
      }
      JsonNode serials = JSON.readTree(answer.body()).path("serials");
      if (!serials.isArray() || serials.size() > MAX_SERIALS) {
        return fail("the answer has no 'serials' array of at most " + MAX_SERIALS);
      }
      List<BigInteger> list = new ArrayList<>(serials.size());
      for (JsonNode s : serials) {
        list.add(RevokedSerials.parseHex(s.asText()));
      }
      int before = target.size();
      target.replace(list, clock.millis());
      ok.increment();
      if (list.size() != before) {
        log.info("{}: {} revoked agent certificate(s) refused", name, list.size());
      }
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return fail(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (RuntimeException e) {
      return fail(e.toString());
    }
  }

  private boolean fail(String why) {
    failed.increment();
    log.warn("{}: cannot read revoked agent certificates from {} (the last list stays in force): {}", name, url, why);
    return false;
  }

  double ageSeconds() {
    long at = target.updatedAtMillis();
    return at == 0 ? -1 : (clock.millis() - at) / 1000.0;
  }

  @Override
  public void close() {
    if (executor != null) {
      NamedExecutors.shutdown(executor, name, Duration.ofSeconds(2));
    }
  }
}
