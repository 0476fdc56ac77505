package io.peregrine.agent.container;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.agent.collect.Collector;
import io.peregrine.agent.collect.SampleEmitter;
import io.peregrine.common.server.ThrottledLog;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * container.* and pod.* metrics for every kubelet pod cgroup on the node (cgroup v2 or v1), tagged from the kubelet's
 * {@code /pods}. Without metadata (no kubelet configured, the kubelet down, a pod too new) the metrics are tagged by
 * pod uid and container id instead, never skipped. A container cgroup in a pod the kubelet lists, with an id the
 * kubelet does not list, is not reported as a container: it is the pod sandbox ("pause": the kubelet never lists it,
 * and its summary API leaves it out of a pod's containers too) or a container started since the kubelet's answer
 * (reported once the kubelet lists it; a new id refreshes the answer early). Its usage is in the pod's metrics. At
 * most {@code maxContainers} containers are reported per round, in a stable order (pod uid, container id); the rest
 * are counted as {@code agent_containers_dropped}. A container that cannot be read (it vanished mid-round) is skipped
 * for that round.
 */
public final class ContainerCollector implements Collector {
  private static final Logger log = LoggerFactory.getLogger(ContainerCollector.class);
  /** Rounds between two readings of a cgroup's memory limit and of which process gives its pod's network. */
  static final int SLOW_ROUNDS = 6;

  private final CgroupTree tree;
  private final PodNetwork network;
  private final KubeletPods kubelet;
  private final int maxContainers;
  private final LongSupplier nanos;
  private final String node;
  private final ContainerTags tags;
  private final CgroupMetrics metrics = new CgroupMetrics();
  private final Counter droppedCap;
  private final Counter droppedLabels;
  private final Counter kubeletFailures;
  private final ThrottledLog kubeletLog = new ThrottledLog(log, Duration.ofMinutes(5));
  private Set<String> unknownSeen = new HashSet<>();
  private final CgroupFileReader reader = new CgroupFileReader();
  private final CgroupStats stats = new CgroupStats();
  private final long[] netCounters = new long[8];
  private long round;

  /** @param kubelet null = no metadata: everything is tagged by pod uid and container id */
  public ContainerCollector(CgroupTree tree, PodNetwork network, KubeletPods kubelet, String node,
      List<String> podLabels, int maxContainers, LongSupplier nanos, MeterRegistry registry) {
    this.tree = tree;
    this.network = network;
    this.kubelet = kubelet;
    this.maxContainers = maxContainers;
    this.nanos = nanos;
    this.node = node;
    this.tags = new ContainerTags(node, podLabels);
    this.droppedCap = Counter.builder("agent_containers_dropped").tag("reason", "max_containers")
        .description("containers not reported because the node has more than agent.containers.maxContainers")
        .register(registry);
    this.droppedLabels = Counter.builder("agent_containers_dropped").tag("reason", "label_invalid")
        .description("whitelisted pod labels left out of a cgroup's tags when they are made (value too long or "
            + "holding ',' or '=')")
        .register(registry);
    this.kubeletFailures = Counter.builder("agent_kubelet_failures")
        .description("rounds whose kubelet /pods call failed (metrics tagged by container id or older metadata)")
        .register(registry);
  }

  @Override
  public String name() {
    return "container";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    List<CgroupTree.PodCgroup> pods = tree.scan();
    Map<String, PodInfo> byUid = metadata(pods);
    long now = nanos.getAsLong();
    round++;
    int reported = 0;
    int dropped = 0;
    for (CgroupTree.PodCgroup pod : pods) {
      PodInfo info = byUid.get(pod.uid());
      if (reported >= maxContainers) {
        dropped += pod.containers().size();
        continue;
      }
      String podTags = tags.pod(info, pod.uid());
      if (!read(out, "pod", "pod:" + pod.uid(), podTags, pod.files(), now)) {
        tree.invalidate();
        continue; // the pod's cgroup vanished: its containers went with it
      }
      for (CgroupTree.ContainerCgroup c : pod.containers()) {
        if (info != null && !info.containers().containsKey(c.id())) {
          continue; // the pod sandbox, or a container newer than the kubelet's answer: in the pod's metrics
        }
        if (reported >= maxContainers) {
          dropped++;
          continue;
        }
        if (read(out, "container", c.id(), tags.container(info, pod.uid(), c.id()), c.files(), now)) {
          reported++;
        } else {
          tree.invalidate(); // gone: a container that replaced it is found by the next scan
        }
      }
      // a hostNetwork pod's "network" is the node's
      if ((info == null || !info.hostNetwork())
          && network.read(pod.uid(), pod.containers(), reader, due(pod.uid()), netCounters)) {
        metrics.emitNetwork(out, podTags, netCounters);
      }
    }
    metrics.endRound();
    network.endRound();
    tags.endRound();
    out.gauge("container.count", "node=" + node, reported);
    droppedCap.increment(dropped);
    droppedLabels.increment(tags.takeLabelsDropped());
  }

  /**
   * Whether this round re-reads what rarely changes for this cgroup (its memory limit, its pod's process): every
   * {@link #SLOW_ROUNDS}th round, spread over the cgroups by their key so the node's re-reads do not all fall in
   * one round.
   */
  private boolean due(String key) {
    return Math.floorMod(round + key.hashCode(), SLOW_ROUNDS) == 0;
  }

  private boolean read(SampleEmitter out, String prefix, String key, String tagText, CgroupFiles files, long now)
      throws IOException {
    files.read(reader, stats, due(key));
    if (stats.empty()) {
      return false; // the directory was removed between the scan and the read (its files went first)
    }
    metrics.emit(out, prefix, key, tagText, stats, now);
    return true;
  }

  /** The pods by uid, from the kubelet when there is one; a new pod or container refreshes early. */
  private Map<String, PodInfo> metadata(List<CgroupTree.PodCgroup> pods) {
    Map<String, PodInfo> byUid = new HashMap<>();
    if (kubelet == null) {
      return byUid;
    }
    try {
      fill(byUid, kubelet.pods(false));
      Set<String> unknown = unknown(pods, byUid);
      if (!unknown.isEmpty() && !unknownSeen.containsAll(unknown)) {
        byUid.clear();
        fill(byUid, kubelet.pods(true));
        unknown = unknown(pods, byUid);
      }
      // remembered so that a container the kubelet never lists (the pod sandbox) does not refresh every round
      unknownSeen = unknown;
      if (!kubelet.lastError().isEmpty()) {
        kubeletFailures.increment();
        kubeletLog.warn("agent: kubelet /pods failed, using the previous answer: {}", kubelet.lastError());
      }
    } catch (IOException e) {
      kubeletFailures.increment();
      kubeletLog.warn("agent: kubelet /pods failed, container metrics are tagged by container id: {}",
          e.getMessage());
    }
    return byUid;
  }

  private static void fill(Map<String, PodInfo> byUid, List<PodInfo> pods) {
    for (PodInfo p : pods) {
      byUid.put(p.uid(), p);
    }
  }

  private static Set<String> unknown(List<CgroupTree.PodCgroup> pods, Map<String, PodInfo> byUid) {
    Set<String> out = new HashSet<>();
    for (CgroupTree.PodCgroup pod : pods) {
      PodInfo info = byUid.get(pod.uid());
      for (CgroupTree.ContainerCgroup c : pod.containers()) {
        if (info == null || !info.containers().containsKey(c.id())) {
          out.add(c.id());
        }
      }
    }
    return out;
  }
}
