package io.peregrine.common.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.peregrine.common.config.Checks;
import java.time.Duration;
import java.util.List;

/**
 * The {@code auth} block every component's section has: whether its APIs want a token, where tokens are checked,
 * and the token the component itself sends on the calls it makes (see docs/SECURITY.md).
 *
 * @param required listeners refuse calls without a valid token of the route's scope ({@code /health} always
 *     answers; {@code /metrics} as {@code metricsOpen} says). Off = every caller that reaches the port is served
 * @param hbsUrl hbs's HTTP address ({@code http://hbs:6031}) where tokens are checked ({@code GET
 *     /api/v1/auth/me}); hbs itself checks its own database and ignores it
 * @param cacheTtl how long a checked token's answer is kept: a revoked token keeps working on this component for at
 *     most this long, and hbs sees one check per token and component per period
 * @param cacheSize most tokens whose answers are kept (the least recently used go first)
 * @param metricsOpen {@code /metrics} answers without a token (Prometheus scrapes without one); off = scope read
 * @param token the token this component sends on the gRPC calls it makes (to hbs, transfer, graph, judge);
 *     accepts {@code file:/path} and {@code env:NAME} like every secret; empty = none
 * @param certPush a caller that presented a client certificate the component's {@code tls.ca} verified may push
 *     without a token (the pipeline's own hops under mTLS); off = pushes need a token with scope push
 * @param ownEndpointsOnly (transfer) a caller with a client certificate pushes only samples whose endpoint is the
 *     certificate's subject CN, its node name
 * @param pushForOthers (transfer) certificate CNs exempt from {@code ownEndpointsOnly}: push gateways, plugins for
 *     remote devices
 * @param revocationUrl (transfer, hbs's own port needs none) hbs's list of revoked agent certificates
 *     ({@code https://hbs:6031/api/v1/agents/revoked}); callers presenting a listed serial are refused on the gRPC
 *     port. Empty = no list is read
 * @param revocationRefresh how often {@code revocationUrl} is read: a revocation in hbs is refused here within this
 *     long while hbs answers
 * @param nodePods (transfer) with {@code ownEndpointsOnly}, a node's certificate may also push for the endpoints of
 *     the pods the Kubernetes API schedules on that node (see {@link NodePodsConfig}); off by default
 */
public record AuthConfig(
    boolean required,
    String hbsUrl,
    Duration cacheTtl,
    int cacheSize,
    boolean metricsOpen,
    String token,
    boolean certPush,
    boolean ownEndpointsOnly,
    List<String> pushForOthers,
    String revocationUrl,
    Duration revocationRefresh,
    NodePodsConfig nodePods) {

  /** A revoked token stops working within a minute; one check per token and minute is nothing for hbs. */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);
  /** Tokens are per person or per script: ten thousand is far beyond a fleet's count and ~2 MB of heap. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  /** Half a minute: a revoked node is shut out about as fast as a revoked token ({@code cacheTtl}). */
  public static final Duration DEFAULT_REVOCATION_REFRESH = Duration.ofSeconds(30);

  @JsonCreator
  public AuthConfig {
    revocationUrl = revocationUrl == null ? "" : revocationUrl.trim();
    revocationRefresh = revocationRefresh == null ? DEFAULT_REVOCATION_REFRESH : revocationRefresh;
    nodePods = nodePods == null ? NodePodsConfig.off() : nodePods;
    Checks.positive("auth.revocationRefresh", revocationRefresh);
    if (!revocationUrl.isEmpty() && !revocationUrl.startsWith("http://") && !revocationUrl.startsWith("https://")) {
      throw new IllegalArgumentException("auth.revocationUrl must be an http:// or https:// URL: '" + revocationUrl
          + "'");
    }
    hbsUrl = hbsUrl == null ? "" : hbsUrl.trim();
    token = token == null ? "" : token.trim();
    cacheTtl = cacheTtl == null ? DEFAULT_CACHE_TTL : cacheTtl;
    pushForOthers = pushForOthers == null ? List.of() : List.copyOf(pushForOthers);
    Checks.positive("auth.cacheTtl", cacheTtl);
    Checks.inRange("auth.cacheSize", cacheSize, 1, 10_000_000);
    if (!hbsUrl.isEmpty() && !hbsUrl.startsWith("http://") && !hbsUrl.startsWith("https://")) {
      throw new IllegalArgumentException("auth.hbsUrl must be an http:// or https:// URL: '" + hbsUrl + "'");
    }
  }

  /** The block without a revocation list (the components' callers before agent identity). */
  public AuthConfig(boolean required, String hbsUrl, Duration cacheTtl, int cacheSize, boolean metricsOpen,
      String token, boolean certPush, boolean ownEndpointsOnly, List<String> pushForOthers) {
    this(required, hbsUrl, cacheTtl, cacheSize, metricsOpen, token, certPush, ownEndpointsOnly, pushForOthers, "",
        DEFAULT_REVOCATION_REFRESH, NodePodsConfig.off());
  }

  /** No token wanted and none sent: the default, and all-in-one's. */
  public static AuthConfig off() {
    return new AuthConfig(false, "", DEFAULT_CACHE_TTL, DEFAULT_CACHE_SIZE, true, "", true, false, List.of());
  }

  /** Tokens wanted, checked at {@code hbsUrl}. */
  public static AuthConfig required(String hbsUrl) {
    return new AuthConfig(true, hbsUrl, DEFAULT_CACHE_TTL, DEFAULT_CACHE_SIZE, true, "", true, false, List.of());
  }

  public AuthConfig withToken(String t) {
    return new AuthConfig(required, hbsUrl, cacheTtl, cacheSize, metricsOpen, t, certPush, ownEndpointsOnly,
        pushForOthers, revocationUrl, revocationRefresh, nodePods);
  }

  public AuthConfig withMetricsOpen(boolean open) {
    return new AuthConfig(required, hbsUrl, cacheTtl, cacheSize, open, token, certPush, ownEndpointsOnly,
        pushForOthers, revocationUrl, revocationRefresh, nodePods);
  }

  public AuthConfig withCertPush(boolean on) {
    return new AuthConfig(required, hbsUrl, cacheTtl, cacheSize, metricsOpen, token, on, ownEndpointsOnly,
        pushForOthers, revocationUrl, revocationRefresh, nodePods);
  }

  /** Pushes with a client certificate only for its own endpoint, except for the CNs in {@code others}. */
  public AuthConfig withOwnEndpointsOnly(boolean on, List<String> others) {
    return new AuthConfig(required, hbsUrl, cacheTtl, cacheSize, metricsOpen, token, certPush, on, others,
        revocationUrl, revocationRefresh, nodePods);
  }

  /** Refuses client certificates whose serials hbs's list at {@code url} names, read every {@code refresh}. */
  public AuthConfig withRevocationList(String url, Duration refresh) {
    return new AuthConfig(required, hbsUrl, cacheTtl, cacheSize, metricsOpen, token, certPush, ownEndpointsOnly,
        pushForOthers, url, refresh, nodePods);
  }

  /** With {@code ownEndpointsOnly}, node certificates also push for their nodes' pods, as {@code pods} says. */
  public AuthConfig withNodePods(NodePodsConfig pods) {
    return new AuthConfig(required, hbsUrl, cacheTtl, cacheSize, metricsOpen, token, certPush, ownEndpointsOnly,
        pushForOthers, revocationUrl, revocationRefresh, pods);
  }

  /**
   * For a component that checks tokens at hbs: {@code required} needs {@code hbsUrl}.
   *
   * @param section the config section, for the message ({@code graph})
   */
  public AuthConfig requireHbsUrl(String section) {
    if (required && hbsUrl.isEmpty()) {
      throw new IllegalArgumentException(section + ".auth.required needs " + section
          + ".auth.hbsUrl, hbs's HTTP address where tokens are checked (http://hbs:6031)");
    }
    return this;
  }
}
