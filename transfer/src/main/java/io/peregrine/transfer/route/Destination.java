package io.peregrine.transfer.route;

import io.peregrine.common.ring.HashRing;
import io.peregrine.transfer.send.Lane;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One destination (the graph ring, the judge ring, a remote-write URL, the upstream transfers): its nodes on a
 * consistent-hash ring, and {@code lanesPerNode} lanes per node, each with its own queue. A series goes to one node
 * (by ring) and one lane of it (by other bits of the same hash), so its samples stay in order. Destinations share
 * nothing: one that is slow or away fills only its own queues.
 */
public final class Destination {
  private final String name;
  private final HashRing<Integer> ring;
  private final List<String> nodeNames;
  private final Lane[] lanes;
  private final int lanesPerNode;
  private final boolean single;

  /** {@code lanes} holds node 0's lanes, then node 1's..., in the order of {@code nodeNames}. */
  public Destination(String name, List<String> nodeNames, List<Lane> lanes, int lanesPerNode) {
    if (lanes.size() != nodeNames.size() * lanesPerNode) {
      throw new IllegalArgumentException(name + ": " + lanes.size() + " lanes for " + nodeNames.size()
          + " nodes x " + lanesPerNode);
    }
    this.name = name;
    this.nodeNames = List.copyOf(nodeNames);
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < nodeNames.size(); i++) {
      index.put(nodeNames.get(i), i);
    }
    this.ring = new HashRing<>(index);
    this.lanes = lanes.toArray(Lane[]::new);
    this.lanesPerNode = lanesPerNode;
    this.single = nodeNames.size() == 1;
  }

  public String name() {
    return name;
  }

  public int laneCount() {
    return lanes.length;
  }

  /** The lane for a series hash: its node by the ring, its lane by the hash's low bits. */
  public int laneFor(long seriesHash) {
    int node = single ? 0 : ring.value(ring.indexFor(seriesHash)); // one node owns the whole ring: no search
    return node * lanesPerNode + (int) ((seriesHash & 0x7fffffffL) % lanesPerNode);
  }

  public Lane lane(int i) {
    return lanes[i];
  }

  public List<Lane> lanes() {
    return List.of(lanes);
  }

  public List<String> nodeNames() {
    return nodeNames;
  }

  public void start() {
    for (Lane l : lanes) {
      l.start();
    }
  }

  /** The earliest time one of its lanes started failing and has not recovered, or null when all are fine. */
  public Instant stuckSince() {
    Instant first = null;
    for (Lane l : lanes) {
      Instant s = l.stuckSince();
      if (s != null && (first == null || s.isBefore(first))) {
        first = s;
      }
    }
    return first;
  }

  /** The last error of the lane stuck longest. */
  public String stuckReason() {
    Instant first = null;
    String why = "";
    for (Lane l : lanes) {
      Instant s = l.stuckSince();
      if (s != null && (first == null || s.isBefore(first))) {
        first = s;
        why = l.name() + ": " + l.lastError();
      }
    }
    return why;
  }

  public long queuedSamples() {
    long n = 0;
    for (Lane l : lanes) {
      n += l.queue().queuedSamples();
    }
    return n;
  }

  public void beginStop(long deadlineNanos) {
    for (Lane l : lanes) {
      l.beginStop(deadlineNanos);
    }
  }

  public void awaitStop() {
    for (Lane l : lanes) {
      l.awaitStop();
    }
  }
}
