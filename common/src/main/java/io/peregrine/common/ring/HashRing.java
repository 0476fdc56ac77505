package io.peregrine.common.ring;

import io.peregrine.common.model.SeriesKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Consistent hashing with virtual nodes. Nodes are placed by their stable name (a StatefulSet pod name, say), not
 * their address, so moving a node to a new address moves no series. Adding one node to N moves about 1/(N+1) of the
 * keys. Immutable: build a new ring when the membership changes.
 *
 * @param <T> what a node name stands for (an address, a sender)
 */
public final class HashRing<T> {
  /** 256 points per node keep the share of each of 10 nodes within a few percent of 10%. */
  public static final int DEFAULT_VIRTUAL_NODES = 256;

  private final long[] positions;
  private final int[] owners;
  private final List<String> names;
  private final List<T> values;

  public HashRing(Map<String, T> nodes, int virtualNodes) {
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("a hash ring needs at least one node");
    }
    if (virtualNodes < 1) {
      throw new IllegalArgumentException("virtualNodes must be positive: " + virtualNodes);
    }
    this.names = List.copyOf(nodes.keySet());
    this.values = new ArrayList<>(names.size());
    for (String name : names) {
      values.add(Objects.requireNonNull(nodes.get(name), "node " + name));
    }
    int n = names.size() * virtualNodes;
    long[] packed = new long[n];
    int[] own = new int[n];
    Integer[] order = new Integer[n];
    for (int node = 0, k = 0; node < names.size(); node++) {
      for (int v = 0; v < virtualNodes; v++, k++) {
        packed[k] = SeriesKey.hash(names.get(node) + "#" + v);
        own[k] = node;
        order[k] = k;
      }
    }
    // equal positions (a 64-bit collision, unlikely but possible) are ordered by node name, so the owner of every
    // hash depends only on the names, never on the order the nodes were given in
    Arrays.sort(order, (a, b) -> packed[a] != packed[b] ? Long.compare(packed[a], packed[b])
        : names.get(own[a]).compareTo(names.get(own[b])));
    this.positions = new long[n];
    this.owners = new int[n];
    for (int i = 0; i < n; i++) {
      positions[i] = packed[order[i]];
      owners[i] = own[order[i]];
    }
  }

  public HashRing(Map<String, T> nodes) {
    this(nodes, DEFAULT_VIRTUAL_NODES);
  }

  /** Convenience for nodes named by their own address. */
  public static HashRing<String> ofNames(List<String> names) {
    Map<String, String> nodes = new LinkedHashMap<>();
    for (String name : names) {
      nodes.put(name, name);
    }
    return new HashRing<>(nodes);
  }

  /** The node index owning {@code hash}: the first virtual node clockwise from it. */
  public int indexFor(long hash) {
    int i = Arrays.binarySearch(positions, hash);
    if (i < 0) {
      i = -i - 1;
      if (i == positions.length) {
        i = 0;
      }
    } else {
      while (i > 0 && positions[i - 1] == hash) {
        i--; // binarySearch may land on any of equal positions: take the first, as a miss would
      }
    }
    return owners[i];
  }

  public T nodeFor(long hash) {
    return values.get(indexFor(hash));
  }

  public String nameFor(long hash) {
    return names.get(indexFor(hash));
  }

  public int size() {
    return names.size();
  }

  public List<String> names() {
    return names;
  }

  public T value(int index) {
    return values.get(index);
  }
}
