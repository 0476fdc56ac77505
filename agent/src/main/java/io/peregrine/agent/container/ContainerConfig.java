package io.peregrine.agent.container;

import io.peregrine.common.config.Checks;
import java.time.Duration;
import java.util.List;

/**
 * Container, pod and pod-scrape settings (section {@code agent.containers}).
 *
 * @param enabled read the node's cgroup tree (v2 or v1) for container.* and pod.* metrics (nothing is found, and
 *     nothing emitted, on a host without kubepods cgroups)
 * @param cgroupRoot the cgroup mount (v2's, or the directory of v1's controller mounts); "" =
 *     {@code <sysRoot>/fs/cgroup}
 * @param kubeletUrl the node's kubelet, for pod metadata ({@code /pods}); "" = {@code https://$NODE_NAME:10250} when
 *     NODE_NAME is set and the token file exists, else no metadata (metrics are tagged by container id)
 * @param tokenFile the service-account token sent as a bearer token; read again on every call (tokens rotate)
 * @param caFile the CA that signed the kubelet's serving certificate (PEM)
 * @param kubeletInsecureSkipVerify accept any kubelet certificate: for clusters whose kubelets serve self-signed
 *     certificates. The token is still sent, so only use it where the node network is trusted
 * @param podsCacheTtl how long a {@code /pods} answer is used; a container id not in it refreshes sooner, at most
 *     once per {@link #MIN_REFRESH}
 * @param podLabels pod labels copied to tags (a whitelist: any other label is never a tag)
 * @param maxContainers containers reported per node at most; the rest are counted as dropped
 * @param scrape scrape this node's pods annotated {@code prometheus.io/scrape: "true"}
 * @param scrapeTimeout deadline of one target's scrape (connect, headers and body); half the collect interval at most
 *     is used
 * @param scrapeSampleLimit samples one target may return; more fails the scrape (reason sample_limit), as Prometheus
 * @param scrapeMaxBytes body size one target may return; more fails the scrape (reason too_large)
 * @param scrapeMaxTargets targets scraped per round at most; the rest are counted as dropped
 * @param scrapeEndpointLabel the pod label whose value is the endpoint of scraped samples; "" = the pod's name
 */
public record ContainerConfig(
    boolean enabled,
    String cgroupRoot,
    String kubeletUrl,
    String tokenFile,
    String caFile,
    boolean kubeletInsecureSkipVerify,
    Duration podsCacheTtl,
    List<String> podLabels,
    int maxContainers,
    boolean scrape,
    Duration scrapeTimeout,
    int scrapeSampleLimit,
    int scrapeMaxBytes,
    int scrapeMaxTargets,
    String scrapeEndpointLabel) {

  public static final String SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount/";
  /** A miss refreshes /pods at most this often: a container that never gets metadata costs one call per 10 s. */
  public static final Duration MIN_REFRESH = Duration.ofSeconds(10);
  /** 500 containers: far above the kubelet's default of 110 pods per node with a sidecar or two each. */
  public static final int DEFAULT_MAX_CONTAINERS = 500;

  public ContainerConfig {
    cgroupRoot = cgroupRoot == null ? "" : cgroupRoot.trim();
    kubeletUrl = kubeletUrl == null ? "" : kubeletUrl.trim();
    if (!kubeletUrl.isEmpty() && !kubeletUrl.startsWith("https://") && !kubeletUrl.startsWith("http://")) {
      throw new IllegalArgumentException("agent.containers.kubeletUrl must start with https:// or http://: '"
          + kubeletUrl + "'");
    }
    Checks.notBlank("agent.containers.tokenFile", tokenFile);
    Checks.notBlank("agent.containers.caFile", caFile);
    Checks.positive("agent.containers.podsCacheTtl", podsCacheTtl);
    podLabels = List.copyOf(podLabels == null ? List.of() : podLabels);
    if (podLabels.size() > 8) {
      throw new IllegalArgumentException("agent.containers.podLabels: at most 8 labels (each one is a tag on every "
          + "container metric), got " + podLabels.size());
    }
    Checks.inRange("agent.containers.maxContainers", maxContainers, 1, 10_000);
    Checks.positive("agent.containers.scrapeTimeout", scrapeTimeout);
    Checks.inRange("agent.containers.scrapeSampleLimit", scrapeSampleLimit, 1, 100_000);
    Checks.inRange("agent.containers.scrapeMaxBytes", scrapeMaxBytes, 1024, 64 * 1024 * 1024);
    Checks.inRange("agent.containers.scrapeMaxTargets", scrapeMaxTargets, 1, 1_000);
    scrapeEndpointLabel = scrapeEndpointLabel == null ? "" : scrapeEndpointLabel.trim();
  }

  public static ContainerConfig defaults() {
    return new ContainerConfig(true, "", "", SERVICE_ACCOUNT + "token", SERVICE_ACCOUNT + "ca.crt", false,
        Duration.ofSeconds(30), List.of("app"), DEFAULT_MAX_CONTAINERS, true, Duration.ofSeconds(3), 10_000,
        16 * 1024 * 1024, 100, "");
  }

  /**
   * The scrape deadline actually used: at most half the collect interval, since scrapes run within the collection
   * round and must leave it time for everything else.
   */
  public Duration scrapeTimeoutWithin(Duration collectInterval) {
    Duration half = collectInterval.dividedBy(2);
    return scrapeTimeout.compareTo(half) > 0 ? half : scrapeTimeout;
  }
}
