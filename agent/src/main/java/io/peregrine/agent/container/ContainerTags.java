package io.peregrine.agent.container;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The tags of a container's or pod's metrics: {@code namespace}, {@code pod}, {@code container}, {@code node} and
 * the whitelisted pod labels; without metadata {@code pod_uid} and {@code container_id} (the id's first 12
 * characters, as {@code crictl ps} shows it) instead. A label value that cannot be a tag (',' or '=' in it, longer
 * than {@link #MAX_LABEL_VALUE}) is left out and counted. A cgroup's text is made once and kept while its pod's
 * metadata stays the same (so a label left out is counted when the text is made, not every round): the same String
 * for every sample and round of a cgroup, so {@code SampleEmitter} canonicalises it once per cgroup and round.
 */
final class ContainerTags {
  static final int MAX_LABEL_VALUE = 128;

  private final String node;
  private final List<String> labels;
  private int labelsDropped;

  ContainerTags(String node, List<String> labels) {
    this.node = node;
    this.labels = labels;
  }

  /** The text made for one cgroup, kept while its metadata stays the same. */
  private static final class Made {
    PodInfo pod;
    String text;
    long round;
  }

  private final Map<String, Made> made = new HashMap<>();
  private long round;

  String pod(PodInfo pod, String uid) {
    Made m = made(uid, pod); // a uid (36 characters with dashes) is never a container id (64 hex)
    if (m.text == null) {
      m.text = join(base(pod, uid));
    }
    return m.text;
  }

  String container(PodInfo pod, String uid, String containerId) {
    Made m = made(containerId, pod);
    if (m.text == null) {
      m.text = make(pod, uid, containerId);
    }
    return m.text;
  }

  /**
   * The entry of one cgroup, emptied when its pod's metadata changed (a kubelet answer holds new {@link PodInfo}s
   * every refresh; equal ones keep the text).
   */
  private Made made(String key, PodInfo pod) {
    Made m = made.computeIfAbsent(key, k -> new Made());
    if (m.pod != pod && !Objects.equals(m.pod, pod)) {
      m.text = null;
    }
    m.pod = pod;
    m.round = round;
    return m;
  }

  /** Ends a round: the cgroups not tagged in it are forgotten. */
  void endRound() {
    made.values().removeIf(m -> m.round != round);
    round++;
  }

  private String make(PodInfo pod, String uid, String containerId) {
    Map<String, String> t = base(pod, uid);
    String name = pod == null ? null : pod.containers().get(containerId);
    if (name != null && !name.isEmpty()) {
      t.put("container", name);
    } else {
      t.put("container_id", containerId.substring(0, Math.min(12, containerId.length())));
    }
    return join(t);
  }

  /** Labels left out since the last call. */
  int takeLabelsDropped() {
    int n = labelsDropped;
    labelsDropped = 0;
    return n;
  }

  private Map<String, String> base(PodInfo pod, String uid) {
    Map<String, String> t = new TreeMap<>();
    t.put("node", node);
    if (pod == null) {
      t.put("pod_uid", uid);
      return t;
    }
    t.put("namespace", pod.namespace());
    t.put("pod", pod.name());
    for (String label : labels) {
      String v = pod.labels().get(label);
      if (v == null || v.isEmpty()) {
        continue;
      }
      if (v.length() > MAX_LABEL_VALUE || v.indexOf(',') >= 0 || v.indexOf('=') >= 0 || label.indexOf(',') >= 0
          || label.indexOf('=') >= 0 || t.containsKey(label)) {
        labelsDropped++;
        continue;
      }
      t.put(label, v);
    }
    return t;
  }

  private static String join(Map<String, String> t) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> e : t.entrySet()) {
      out.append(out.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
    }
    return out.toString();
  }
}
