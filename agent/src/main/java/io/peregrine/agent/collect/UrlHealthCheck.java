package io.peregrine.agent.collect;

import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.server.ThrottledLog;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * url.check.health [url=...,timeout=5]: 1 when a GET of the URL answers 2xx within the item's timeout (seconds,
 * default 5, at most 30), else 0. Redirects are not followed (a 301 to a login page is not health). The body is
 * discarded as it arrives. All URLs of a round are requested at once, so a round takes about the slowest timeout,
 * not their sum. Open-Falcon ran {@code curl -I} (a HEAD) and wanted exactly 200; a GET is what health endpoints
 * serve, and any 2xx counts.
 *
 * <p>The HTTP client and its threads are made on the first round that has a URL: a JDK HttpClient sets up TLS
 * (some 400 classes, ~3 MB of metaspace) even for plain http, which most agents, never asked for a URL, need not pay.
 */
final class UrlHealthCheck implements Collector, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UrlHealthCheck.class);
  private final BuiltinChecks checks;
  private volatile ThreadPoolExecutor executor;
  private HttpClient client;
  private final ThrottledLog failures = new ThrottledLog(log, Duration.ofMinutes(5));

  UrlHealthCheck(BuiltinChecks checks) {
    this.checks = checks;
  }

  /** Runs on the checks thread only (collect), so no lock. */
  private HttpClient client() {
    if (client == null) {
      executor = NamedExecutors.fixed("agent-url", 2, 4 * BuiltinChecks.MAX_PER_KIND,
          new ThreadPoolExecutor.CallerRunsPolicy());
      client = HttpClient.newBuilder().executor(executor).followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(BuiltinChecks.MAX_URL_TIMEOUT).build();
    }
    return client;
  }

  @Override
  public String name() {
    return "url";
  }

  @Override
  public void collect(SampleEmitter out) throws InterruptedException {
    List<BuiltinChecks.Url> urls = checks.current().urls();
    if (urls.isEmpty()) {
      return;
    }
    HttpClient client = client();
    List<CompletableFuture<HttpResponse<Void>>> calls = new ArrayList<>(urls.size());
    for (BuiltinChecks.Url u : urls) {
      HttpRequest request = HttpRequest.newBuilder(u.uri()).timeout(u.timeout()).GET()
          .header("User-Agent", "peregrine-agent").build();
      calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
    }
    for (int i = 0; i < urls.size(); i++) {
      BuiltinChecks.Url u = urls.get(i);
      boolean healthy = false;
      try {
        int status = calls.get(i).get(u.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS).statusCode();
        healthy = status >= 200 && status < 300;
        if (!healthy) {
          failures.warn("agent-checks: url.check.health {} answered {}", u.uri(), status);
        }
      } catch (ExecutionException | TimeoutException e) {
        calls.get(i).cancel(true);
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        failures.warn("agent-checks: url.check.health {} failed within {} s: {}", u.uri(), u.timeout().toSeconds(),
            cause.toString());
      }
      out.gauge("url.check.health", u.tags(), healthy ? 1 : 0);
    }
  }

  @Override
  public void close() {
    if (executor == null) {
      return;
    }
    NamedExecutors.shutdown(executor, "agent-url", Duration.ofSeconds(1));
  }
}
