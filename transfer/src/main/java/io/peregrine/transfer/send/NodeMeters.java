package io.peregrine.transfer.send;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The counters of one destination node, shared by its lanes: {@code cluster} is the destination, {@code node} the node. */
public final class NodeMeters {
  private final MeterRegistry registry;
  private final String cluster;
  private final String node;
  final Counter sent;
  final Counter failures;
  final Counter split;
  final Timer calls;
  private final ConcurrentMap<String, Counter> dropped = new ConcurrentHashMap<>();

  public NodeMeters(MeterRegistry registry, String cluster, String node) {
    this.registry = registry;
    this.cluster = cluster;
    this.node = node;
    this.sent = Counter.builder("transfer_sent_samples").tag("cluster", cluster).tag("node", node)
        .description("samples delivered to a node").register(registry);
    this.failures = Counter.builder("transfer_send_failures").tag("cluster", cluster).tag("node", node)
        .description("failed forwarding calls (retried or split)").register(registry);
    this.split = Counter.builder("transfer_split_batches").tag("cluster", cluster).tag("node", node)
        .description("batches a node refused that were split to isolate bad samples").register(registry);
    this.calls = Timer.builder("transfer_send_duration").tag("cluster", cluster).tag("node", node)
        .description("forwarding call latency").register(registry);
  }

  public void dropped(String reason, int n) {
    dropped.computeIfAbsent(reason, r -> Counter.builder("transfer_dropped_samples").tag("cluster", cluster)
        .tag("node", node).tag("reason", r).description("samples that did not reach a node, by reason")
        .register(registry)).increment(n);
  }

  public String cluster() {
    return cluster;
  }

  public String node() {
    return node;
  }
}
