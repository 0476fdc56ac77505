package io.peregrine.transfer.route;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.ring.HashRing;
import io.peregrine.transfer.NodeSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One destination kind (graph or judge): the ring over its nodes and a sender per node. */
public final class Cluster implements Component {
  private final String kind;
  private final HashRing<NodeSender> ring;
  private final List<NodeSender> senders;

  public Cluster(String kind, List<NodeSpec> nodes, Function<String, BatchClient> clients, int capacity,
      int batchSize, Duration flushInterval, Duration callTimeout, MeterRegistry registry) {
    this.kind = kind;
    Map<String, NodeSender> byName = new LinkedHashMap<>();
    for (NodeSpec n : nodes) {
      byName.put(n.name(), new NodeSender(kind, n.name(), clients.apply(n.address()), capacity, batchSize,
          flushInterval, callTimeout, registry));
    }
    this.ring = new HashRing<>(byName);
    this.senders = List.copyOf(byName.values());
  }

  @Override
  public String name() {
    return kind + "-cluster";
  }

  public NodeSender senderFor(long seriesHash) {
    return ring.nodeFor(seriesHash);
  }

  public int queued() {
    return senders.stream().mapToInt(NodeSender::queued).sum();
  }

  @Override
  public void start() {
    senders.forEach(NodeSender::start);
  }

  /** Closes the senders in parallel would be faster; in sequence keeps the log readable and the deadline per node. */
  @Override
  public void close() {
    senders.forEach(NodeSender::close);
  }
}
