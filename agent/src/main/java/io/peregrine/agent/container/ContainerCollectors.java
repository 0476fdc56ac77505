package io.peregrine.agent.container;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.agent.collect.Collector;
import io.peregrine.agent.collect.HostPaths;
import io.peregrine.agent.scrape.PodScraper;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container collector and the pod scraper for a node, as configured: the collector when the host has cgroups
 * (v2, or v1 with one log line saying which metrics it lacks), the scraper when the kubelet can be asked.
 */
public final class ContainerCollectors {
  private static final Logger log = LoggerFactory.getLogger(ContainerCollectors.class);

  private ContainerCollectors() {}

  /**
   * @param sink the shipping queue: scraped samples carry their own endpoint, so they go there directly
   */
  public static List<Collector> create(ContainerConfig config, HostPaths paths, String node, Duration interval,
      Predicate<Sample> sink, Clock clock, Map<String, String> env, MeterRegistry registry) {
    List<Collector> out = new ArrayList<>();
    if (!config.enabled()) {
      return out;
    }
    Duration scrapeTimeout = config.scrapeTimeoutWithin(interval);
    KubeletPods kubelet = kubelet(config, env);
    CgroupTree tree = new CgroupTree(config.cgroupRoot().isEmpty() ? paths.sys().resolve("fs").resolve("cgroup")
        : Path.of(config.cgroupRoot()));
    CgroupTree.Version version = tree.version();
    if (version == CgroupTree.Version.NONE) {
      log.info("agent: no cgroup hierarchy at {}; no container.* or pod.* metrics", tree.root());
    } else {
      if (version == CgroupTree.Version.V1) {
        log.info("agent: {} is cgroup v1: container.* and pod.* metrics from the cpu, cpuacct, memory, blkio and "
            + "pids controllers, without the pressure metrics (v1 has none per cgroup)", tree.root());
      }
      out.add(new ContainerCollector(tree, new PodNetwork(paths.proc()), kubelet, node, config.podLabels(),
          config.maxContainers(), System::nanoTime, registry));
    }
    if (config.scrape() && kubelet != null) {
      out.add(new PodScraper(() -> kubelet.pods(false), HttpClient.newBuilder()
          .connectTimeout(scrapeTimeout).build(), node, scrapeTimeout, config.scrapeSampleLimit(),
          config.scrapeMaxBytes(), config.scrapeMaxTargets(), config.scrapeEndpointLabel(),
          (int) interval.toSeconds(), new SampleValidator(clock), sink, registry));
    }
    return out;
  }

  /** The kubelet client, or null (and a log line saying why) when there is no kubelet to ask. */
  static KubeletPods kubelet(ContainerConfig config, Map<String, String> env) {
    String url = config.kubeletUrl();
    Path token = Path.of(config.tokenFile());
    if (url.isEmpty()) {
      String nodeName = env.getOrDefault("NODE_NAME", "");
      if (nodeName.isEmpty() || !Files.isReadable(token)) {
        log.info("agent: no kubelet configured (agent.containers.kubeletUrl empty, NODE_NAME or {} missing); "
            + "container metrics are tagged by container id and no pod is scraped", token);
        return null;
      }
      url = "https://" + nodeName + ":10250";
    }
    SSLContext tls;
    try {
      tls = config.kubeletInsecureSkipVerify() ? KubeletPods.trustingAny()
          : KubeletPods.trusting(Path.of(config.caFile()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("agent.containers.caFile " + config.caFile() + " cannot be used: " + e, e);
    }
    log.info("agent: pod metadata from {}/pods (cached {} s){}", url, config.podsCacheTtl().toSeconds(),
        config.kubeletInsecureSkipVerify() ? ", kubelet certificate NOT verified" : "");
    return new KubeletPods(url, token, tls, config.podsCacheTtl(), System::nanoTime);
  }
}
