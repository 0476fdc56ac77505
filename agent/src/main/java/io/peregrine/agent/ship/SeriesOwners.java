package io.peregrine.agent.ship;

import java.util.Arrays;

/**
 * Which batch of a group holds each series key: an open-addressing table of primitive longs, cleared and reused for
 * every group, so cutting a group costs no object per sample. Used by one thread.
 */
final class SeriesOwners {
  private long[] keys = new long[1024];
  private int[] owners = new int[1024];
  private int used;

  /** Empties the table for the next group. */
  void clear() {
    Arrays.fill(keys, 0L);
    used = 0;
  }

  /**
   * Records that batch {@code owner} holds {@code key} unless another batch does.
   *
   * @return the batch that already held it, or {@code owner}
   */
  int claim(long key, int owner) {
    long k = key == 0 ? 1 : key; // 0 marks a free slot; a folded collision only ends a group early
    if (used * 2 >= keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    for (int i = (int) (k ^ (k >>> 32)) & mask; ; i = (i + 1) & mask) {
      if (keys[i] == 0) {
        keys[i] = k;
        owners[i] = owner;
        used++;
        return owner;
      }
      if (keys[i] == k) {
        return owners[i];
      }
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldOwners = owners;
    keys = new long[oldKeys.length * 2];
    owners = new int[oldKeys.length * 2];
    used = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        claim(oldKeys[i], oldOwners[i]);
      }
    }
  }
}
