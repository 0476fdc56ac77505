package io.peregrine.sender.lifecycle;

import io.peregrine.common.config.Checks;
import java.net.URI;
import java.time.Duration;

/**
 * The sender's incident-lifecycle settings (section {@code sender.lifecycle}; docs/ALERTING.md).
 *
 * @param silenceRefresh how often the silences are pulled from hbs ({@code Hbs.GetSilences}); a silence created in
 *     hbs is honoured within this
 * @param incidentTtl how long an open incident (and its acknowledgement) is remembered after its last PROBLEM when
 *     no OK comes
 * @param ackSecret HMAC key of the acknowledgement links (at least 32 characters, or {@code file:/path}); empty =
 *     no links in messages, and {@code /ack} refuses every link
 * @param ackUrl the sender's URL as people reach it, e.g. {@code https://sender.example.com}; the links point there;
 *     empty = no links
 * @param ackLinkTtl how long a link in a message works
 * @param escalationTick how often each sender looks for escalation steps that are due; a step goes out at most
 *     this late
 */
public record LifecycleConfig(Duration silenceRefresh, Duration incidentTtl, String ackSecret, String ackUrl,
    Duration ackLinkTtl, Duration escalationTick) {
  /** A silence is usually made just before the noisy work starts; ten seconds is quick enough and one query. */
  public static final Duration DEFAULT_SILENCE_REFRESH = Duration.ofSeconds(10);
  /** A month: longer than any incident anyone still acknowledges; bounds what an OK that never came leaves. */
  public static final Duration DEFAULT_INCIDENT_TTL = Duration.ofDays(30);
  /** A day: a message read the next morning can still be acknowledged; a leaked old mail cannot. */
  public static final Duration DEFAULT_ACK_LINK_TTL = Duration.ofHours(24);
  /** Steps are minutes apart; ten seconds late is on time, and one Redis script per sender per tick is nothing. */
  public static final Duration DEFAULT_ESCALATION_TICK = Duration.ofSeconds(10);
  /** 256 bits of key when the text is random. */
  public static final int MIN_SECRET_LENGTH = 32;

  public LifecycleConfig {
    silenceRefresh = silenceRefresh == null ? DEFAULT_SILENCE_REFRESH : silenceRefresh;
    incidentTtl = incidentTtl == null ? DEFAULT_INCIDENT_TTL : incidentTtl;
    ackLinkTtl = ackLinkTtl == null ? DEFAULT_ACK_LINK_TTL : ackLinkTtl;
    escalationTick = escalationTick == null ? DEFAULT_ESCALATION_TICK : escalationTick;
    Checks.positive("sender.lifecycle.escalationTick", escalationTick);
    ackSecret = ackSecret == null ? "" : ackSecret.trim();
    ackUrl = ackUrl == null ? "" : ackUrl.trim();
    Checks.positive("sender.lifecycle.silenceRefresh", silenceRefresh);
    Checks.positive("sender.lifecycle.incidentTtl", incidentTtl);
    Checks.positive("sender.lifecycle.ackLinkTtl", ackLinkTtl);
    if (!ackUrl.isEmpty()) {
      URI u;
      try {
        u = URI.create(ackUrl);
      } catch (IllegalArgumentException e) {
        u = null;
      }
      if (u == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new IllegalArgumentException("sender.lifecycle.ackUrl must be an http:// or https:// URL: '" + ackUrl
            + "'");
      }
    }
    if (!ackSecret.isEmpty() && !ackSecret.startsWith("file:") && ackSecret.length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException("sender.lifecycle.ackSecret must be at least " + MIN_SECRET_LENGTH
          + " characters (it is " + ackSecret.length() + "): anyone who guesses it can acknowledge any incident");
    }
  }

  public LifecycleConfig(Duration silenceRefresh, Duration incidentTtl, String ackSecret, String ackUrl,
      Duration ackLinkTtl) {
    this(silenceRefresh, incidentTtl, ackSecret, ackUrl, ackLinkTtl, DEFAULT_ESCALATION_TICK);
  }

  public static LifecycleConfig defaults() {
    return new LifecycleConfig(DEFAULT_SILENCE_REFRESH, DEFAULT_INCIDENT_TTL, "", "", DEFAULT_ACK_LINK_TTL,
        DEFAULT_ESCALATION_TICK);
  }

  /** True when messages carry acknowledgement links. */
  public boolean links() {
    return !ackSecret.isEmpty() && !ackUrl.isEmpty();
  }
}
