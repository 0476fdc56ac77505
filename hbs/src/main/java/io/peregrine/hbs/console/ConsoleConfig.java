package io.peregrine.hbs.console;

import io.peregrine.common.config.Checks;
import java.time.Duration;

/**
 * The web console's settings (section {@code hbs.console}): the console is served by hbs's HTTP port at
 * {@code /console/}; the other components' APIs it needs are reached through hbs ({@code /console/api/graph/...},
 * {@code /console/api/sender/...}, {@code /console/api/judge/...}) at these base URLs.
 *
 * @param enabled serve the console and its proxy; off = {@code /console} answers 404
 * @param graphUrl graph's HTTP address ({@code http://127.0.0.1:6071}); empty = the graph proxy answers 503
 * @param senderUrl sender's HTTP address; empty = the sender proxy answers 503
 * @param judgeUrl judge's HTTP address; empty = the judge proxy answers 503
 * @param sessionLifetime how long a console login lasts (the cookie and the session token end together)
 * @param upstreamToken the bearer token the proxy sends to graph, sender and judge when their {@code auth.required}
 *     is on; accepts {@code file:/path} and {@code env:NAME}; empty = none sent
 */
public record ConsoleConfig(boolean enabled, String graphUrl, String senderUrl, String judgeUrl,
    Duration sessionLifetime, String upstreamToken) {

  /** A working day: long enough not to interrupt an on-call shift, short enough that a left browser times out. */
  public static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofHours(8);
  /** A session longer than a week is a token, and tokens have their own route. */
  public static final Duration MAX_SESSION_LIFETIME = Duration.ofDays(7);

  public ConsoleConfig {
    graphUrl = url("hbs.console.graphUrl", graphUrl);
    senderUrl = url("hbs.console.senderUrl", senderUrl);
    judgeUrl = url("hbs.console.judgeUrl", judgeUrl);
    sessionLifetime = sessionLifetime == null ? DEFAULT_SESSION_LIFETIME : sessionLifetime;
    Checks.positive("hbs.console.sessionLifetime", sessionLifetime);
    if (sessionLifetime.compareTo(MAX_SESSION_LIFETIME) > 0 || sessionLifetime.toSeconds() < 1) {
      throw new IllegalArgumentException("hbs.console.sessionLifetime must be within 1s..7d, got "
          + sessionLifetime);
    }
    upstreamToken = upstreamToken == null ? "" : upstreamToken.trim();
  }

  public static ConsoleConfig defaults() {
    return new ConsoleConfig(true, "", "", "", DEFAULT_SESSION_LIFETIME, "");
  }

  /** The same settings with the upstream base URLs (all-in-one wires the ports its components bound). */
  public ConsoleConfig withUpstreams(String graph, String sender, String judge) {
    return new ConsoleConfig(enabled, graph, sender, judge, sessionLifetime, upstreamToken);
  }

  public ConsoleConfig withSessionLifetime(Duration d) {
    return new ConsoleConfig(enabled, graphUrl, senderUrl, judgeUrl, d, upstreamToken);
  }

  private static String url(String key, String value) {
    String v = value == null ? "" : value.trim();
    while (v.endsWith("/")) {
      v = v.substring(0, v.length() - 1);
    }
    if (!v.isEmpty() && !v.startsWith("http://") && !v.startsWith("https://")) {
      throw new IllegalArgumentException(key + " must be an http:// or https:// URL: '" + v + "'");
    }
    return v;
  }
}
