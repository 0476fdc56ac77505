package io.peregrine.common.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.peregrine.common.config.Checks;
import java.time.Duration;

/**
 * {@code auth.nodePods} (transfer): with {@code ownEndpointsOnly}, a certificate with CN = node N may also push for
 * the endpoints of the pods the Kubernetes API says are scheduled on N ({@code spec.nodeName}), named by the rule the
 * agent's pod scraper uses: the value of {@code endpointLabel} when the pod has it, else the pod's name.
 *
 * @param enabled ask the Kubernetes API; off = a certificate pushes for its own node name only
 * @param apiUrl the API server ({@code https://kubernetes.default.svc} in a pod)
 * @param tokenFile the service-account token sent as bearer token, read again on every call (projected tokens
 *     rotate)
 * @param caFile the PEM CA bundle the API server's certificate is checked against
 * @param endpointLabel the pod label whose value is a scraped pod's endpoint: the agents'
 *     {@code agent.containers.scrapeEndpointLabel}; "" = the pod's name
 * @param refresh how long a node's pod list is used before it is read again: a pod that left node N may still be
 *     pushed for by N for this long
 * @param missRefresh how soon after a node's last read an endpoint its list does not hold (a pod just scheduled)
 *     makes transfer read the list again; bounds the API server's load from a node pushing for unknown endpoints
 * @param maxNodes most nodes whose pod lists are kept (the least recently used go first)
 */
public record NodePodsConfig(
    boolean enabled,
    String apiUrl,
    String tokenFile,
    String caFile,
    String endpointLabel,
    Duration refresh,
    Duration missRefresh,
    int maxNodes) {

  public static final String IN_CLUSTER_API = "https://kubernetes.default.svc";
  public static final String IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  public static final String IN_CLUSTER_CA = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  /** A minute: the agent's own pod cache is 30 s; a pod that moved nodes stays pushable by its old node this long. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(60);
  /** The agent scrapes a new pod within its 10 s miss refresh; one list per node per 10 s at most on misses. */
  public static final Duration DEFAULT_MISS_REFRESH = Duration.ofSeconds(10);
  /** Kubernetes supports 5,000 nodes per cluster; twice that leaves room for nodes that come and go. */
  public static final int DEFAULT_MAX_NODES = 10_000;

  @JsonCreator
  public NodePodsConfig {
    apiUrl = apiUrl == null || apiUrl.isBlank() ? IN_CLUSTER_API : apiUrl.trim().replaceAll("/+$", "");
    tokenFile = tokenFile == null || tokenFile.isBlank() ? IN_CLUSTER_TOKEN : tokenFile.trim();
    caFile = caFile == null || caFile.isBlank() ? IN_CLUSTER_CA : caFile.trim();
    endpointLabel = endpointLabel == null ? "" : endpointLabel.trim();
    refresh = refresh == null ? DEFAULT_REFRESH : refresh;
    missRefresh = missRefresh == null ? DEFAULT_MISS_REFRESH : missRefresh;
    maxNodes = maxNodes == 0 ? DEFAULT_MAX_NODES : maxNodes;
    Checks.positive("auth.nodePods.refresh", refresh);
    if (missRefresh.isNegative()) {
      throw new IllegalArgumentException("auth.nodePods.missRefresh must not be negative: " + missRefresh);
    }
    Checks.inRange("auth.nodePods.maxNodes", maxNodes, 1, 1_000_000);
    if (!apiUrl.startsWith("https://") && !apiUrl.startsWith("http://")) {
      throw new IllegalArgumentException("auth.nodePods.apiUrl must be an https:// (or http://, through a local proxy) URL: '" + apiUrl + "'");
    }
  }

  /** Off: the default. */
  public static NodePodsConfig off() {
    return new NodePodsConfig(false, "", "", "", "", null, null, 0);
  }

  /** On, asking {@code apiUrl} with the token and CA files given. */
  public static NodePodsConfig at(String apiUrl, String tokenFile, String caFile, String endpointLabel,
      Duration refresh, Duration missRefresh) {
    return new NodePodsConfig(true, apiUrl, tokenFile, caFile, endpointLabel, refresh, missRefresh, 0);
  }
}
