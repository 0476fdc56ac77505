package io.peregrine.common.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.common.model.SeriesKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HashRingTest {
  private static final int KEYS = 100_000;
  private static final long[] HASHES = new long[KEYS];

  static {
    for (int i = 0; i < KEYS; i++) {
      HASHES[i] = SeriesKey.hash("host-" + i + "/cpu.idle/");
    }
  }

  private static Map<String, String> nodes(int n) {
    Map<String, String> nodes = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      nodes.put("graph-" + i, "10.0.0." + i + ":6070");
    }
    return nodes;
  }

  @Test
  void addingAnEleventhNodeMovesAboutOneEleventhOfTheKeysAllOntoTheNewNode() {
    HashRing<String> ten = new HashRing<>(nodes(10));
    HashRing<String> eleven = new HashRing<>(nodes(11));
    int moved = 0;
    for (long h : HASHES) {
      String before = ten.nameFor(h);
      String after = eleven.nameFor(h);
      if (!before.equals(after)) {
        moved++;
        assertThat(after).as("new owner of a moved key").isEqualTo("graph-10");
      }
    }
    assertThat(moved / (double) KEYS).as("fraction moved (ideal 1/11 = 9.1%%)").isBetween(0.05, 0.14);
  }

  @Test
  void removingANodeMovesOnlyItsOwnKeys() {
    HashRing<String> ten = new HashRing<>(nodes(10));
    Map<String, String> nine = nodes(10);
    nine.remove("graph-4");
    HashRing<String> smaller = new HashRing<>(nine);
    for (long h : HASHES) {
      String before = ten.nameFor(h);
      if (!before.equals("graph-4")) {
        assertThat(smaller.nameFor(h)).isEqualTo(before);
      }
    }
  }

  @Test
  void givesEachOfTenNodesAFairShare() {
    HashRing<String> ring = new HashRing<>(nodes(10));
    int[] counts = new int[ring.size()];
    for (long h : HASHES) {
      counts[ring.indexFor(h)]++;
    }
    for (int i = 0; i < counts.length; i++) {
      assertThat(counts[i] / (double) KEYS).as("share of %s (ideal 10%%)", ring.names().get(i))
          .isBetween(0.07, 0.13);
    }
  }

  @Test
  void mapsAKeyToTheSameNodeInIndependentlyBuiltRings() {
    HashRing<String> a = new HashRing<>(nodes(10));
    HashRing<String> b = new HashRing<>(nodes(10));
    for (long h : HASHES) {
      assertThat(b.nameFor(h)).isEqualTo(a.nameFor(h));
    }
  }

  @Test
  void ownerDependsOnlyOnNodeNamesNotInsertionOrderOrAddresses() {
    HashRing<String> ordered = new HashRing<>(nodes(10));
    List<String> names = new ArrayList<>(nodes(10).keySet());
    Collections.shuffle(names, new Random(42));
    Map<String, String> shuffled = new LinkedHashMap<>();
    for (String name : names) {
      shuffled.put(name, "moved-" + name + ":7070"); // a new address moves no series
    }
    HashRing<String> other = new HashRing<>(shuffled);
    assertThat(other.names()).isNotEqualTo(ordered.names());
    for (long h : HASHES) {
      String name = ordered.nameFor(h);
      assertThat(other.nameFor(h)).isEqualTo(name);
      assertThat(other.nodeFor(h)).isEqualTo("moved-" + name + ":7070");
    }
  }

  /** Golden owners: a change here moves series between nodes of a running cluster (see SeriesKeyTest). */
  @ParameterizedTest
  @CsvSource({
      "host-1/cpu.idle/, graph-3",
      "host-2/cpu.idle/, graph-0",
      "host-3/mem.memfree/, graph-7",
      "web-01/net.if.in.bytes/iface=eth0, graph-1",
      "'db-7/df.bytes.free/fstype=ext4,mount=/data', graph-1"})
  void assignsGoldenOwners(String key, String owner) {
    HashRing<String> ring = new HashRing<>(nodes(10));
    assertThat(ring.nameFor(SeriesKey.hash(key))).isEqualTo(owner);
    assertThat(ring.nodeFor(SeriesKey.hash(key))).isEqualTo(nodes(10).get(owner));
  }

  @Test
  void wrapsAroundPastTheLastPosition() {
    HashRing<String> ring = HashRing.ofNames(List.of("a:1", "b:2", "c:3"));
    assertThat(ring.nameFor(Long.MAX_VALUE)).isEqualTo(ring.nameFor(Long.MIN_VALUE));
  }

  @Test
  void sendsEverythingToASingleNode() {
    HashRing<String> ring = HashRing.ofNames(List.of("only:1"));
    assertThat(ring.size()).isEqualTo(1);
    for (int i = 0; i < 1000; i++) {
      assertThat(ring.nodeFor(HASHES[i])).isEqualTo("only:1");
    }
    assertThat(ring.value(0)).isEqualTo("only:1");
  }

  @Test
  void rejectsAnEmptyRing() {
    assertThatThrownBy(() -> new HashRing<>(Map.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one node");
  }

  @Test
  void rejectsFewerThanOneVirtualNode() {
    assertThatThrownBy(() -> new HashRing<>(nodes(3), 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("virtualNodes").hasMessageContaining("0");
    assertThatThrownBy(() -> new HashRing<>(nodes(3), -5)).hasMessageContaining("-5");
  }
}
