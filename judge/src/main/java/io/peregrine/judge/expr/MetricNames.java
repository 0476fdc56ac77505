package io.peregrine.judge.expr;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;

/**
 * The metric names some multi-metric rule reads, looked up by a sample's metric bytes: an open-addressing table of
 * the names' UTF-8 bytes, so a sample of a metric no rule reads costs a short hash and a probe, no string.
 * Immutable.
 */
final class MetricNames {
  private final byte[][] names;
  private final int mask;

  MetricNames(Collection<String> metrics) {
    int capacity = 4;
    while (capacity < metrics.size() * 4) {
      capacity *= 2;
    }
    names = new byte[capacity][];
    mask = capacity - 1;
    for (String m : metrics) {
      byte[] b = m.getBytes(StandardCharsets.UTF_8);
      int i = hash(b, 0, b.length) & mask;
      while (names[i] != null) {
        i = (i + 1) & mask;
      }
      names[i] = b;
    }
  }

  /** True when {@code b[off, off + len)} is one of the names. */
  boolean contains(byte[] b, int off, int len) {
    for (int i = hash(b, off, len) & mask; ; i = (i + 1) & mask) {
      byte[] name = names[i];
      if (name == null) {
        return false;
      }
      if (Arrays.equals(name, 0, name.length, b, off, off + len)) {
        return true;
      }
    }
  }

  private static int hash(byte[] b, int off, int len) {
    int h = len;
    for (int i = off, end = off + len; i < end; i++) {
      h = 31 * h + b[i];
    }
    return h ^ (h >>> 16);
  }
}
