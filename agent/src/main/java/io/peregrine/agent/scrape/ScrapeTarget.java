package io.peregrine.agent.scrape;

import io.peregrine.agent.container.PodInfo;
import java.net.URI;

/**
 * A pod to scrape, from its annotations: {@code prometheus.io/scrape: "true"}, {@code prometheus.io/port} (else the
 * first declared TCP port), {@code prometheus.io/path} (else /metrics), {@code prometheus.io/scheme} (http or https).
 */
record ScrapeTarget(PodInfo pod, URI uri) {
  static final String ANNOTATION = "prometheus.io/";

  /** The target, or null when the pod is not annotated, not running, has no IP or no usable port. */
  static ScrapeTarget of(PodInfo pod) {
    if (!"true".equals(pod.annotations().get(ANNOTATION + "scrape")) || !"Running".equals(pod.phase())
        || pod.podIp().isEmpty()) {
      return null;
    }
    int port;
    String p = pod.annotations().get(ANNOTATION + "port");
    if (p != null) {
      try {
        port = Integer.parseInt(p.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    } else if (!pod.ports().isEmpty()) {
      port = pod.ports().get(0);
    } else {
      return null;
    }
    if (port < 1 || port > 65_535) {
      return null;
    }
    String path = pod.annotations().getOrDefault(ANNOTATION + "path", "/metrics").trim();
    String scheme = pod.annotations().getOrDefault(ANNOTATION + "scheme", "http").trim();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return null;
    }
    String host = pod.podIp().contains(":") ? "[" + pod.podIp() + "]" : pod.podIp();
    try {
      return new ScrapeTarget(pod, URI.create(scheme + "://" + host + ":" + port
          + (path.startsWith("/") ? path : "/" + path)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
