package io.peregrine.common.model;

import java.util.Arrays;

/**
 * The series keys ({@code endpoint/metric/tags}, ASCII) of one body's proven samples, hashed once the body is read
 * with {@link SeriesKey#hash(String, String, String)}'s function. FNV-1a is one multiply per byte, each waiting for
 * the one before: hashing four keys in one loop runs four such chains side by side instead of one after another.
 * Not thread-safe: reused across bodies.
 */
public final class SeriesKeyBuffer {
  private static final int SHRINK_ABOVE = 1 << 20;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private byte[] keys = new byte[8 * 1024];
  private int size;
  private int[] ends = new int[128];
  private int count;

  public void clear() {
    if (keys.length > SHRINK_ABOVE) {
      keys = new byte[8 * 1024]; // one huge body must not pin its buffer on every ingest thread
    }
    size = 0;
    count = 0;
  }

  /** Appends one key, {@code b[eOff, +eLen) '/' b[mOff, +mLen) '/' b[tOff, +tLen)}; returns its number. */
  public int add(byte[] b, int eOff, int eLen, int mOff, int mLen, int tOff, int tLen) {
    int need = size + eLen + mLen + tLen + 2;
    if (need > keys.length) {
      keys = Arrays.copyOf(keys, Math.max(need, keys.length * 2));
    }
    if (count == ends.length) {
      ends = Arrays.copyOf(ends, count * 2);
    }
    byte[] k = keys;
    int p = size;
    System.arraycopy(b, eOff, k, p, eLen);
    p += eLen;
    k[p++] = '/';
    System.arraycopy(b, mOff, k, p, mLen);
    p += mLen;
    k[p++] = '/';
    if (tLen > 0) {
      System.arraycopy(b, tOff, k, p, tLen);
      p += tLen;
    }
    size = p;
    ends[count] = p;
    return count++;
  }

  public int count() {
    return count;
  }

  /** The hash of every key, in order, into {@code out[0, count())}. */
  public void hashAll(long[] out) {
    byte[] k = keys;
    int[] e = ends;
    int n = count;
    int i = 0;
    int start = 0;
    for (; i + 4 <= n; i += 4) {
      int s0 = start, s1 = e[i], s2 = e[i + 1], s3 = e[i + 2];
      int l0 = s1 - s0, l1 = s2 - s1, l2 = s3 - s2, l3 = e[i + 3] - s3;
      int common = Math.min(Math.min(l0, l1), Math.min(l2, l3));
      long h0 = FNV_OFFSET, h1 = FNV_OFFSET, h2 = FNV_OFFSET, h3 = FNV_OFFSET;
      for (int j = 0; j < common; j++) {
        h0 = (h0 ^ k[s0 + j]) * FNV_PRIME;
        h1 = (h1 ^ k[s1 + j]) * FNV_PRIME;
        h2 = (h2 ^ k[s2 + j]) * FNV_PRIME;
        h3 = (h3 ^ k[s3 + j]) * FNV_PRIME;
      }
      out[i] = SeriesKey.fmix64(fnv(h0, k, s0 + common, s1));
      out[i + 1] = SeriesKey.fmix64(fnv(h1, k, s1 + common, s2));
      out[i + 2] = SeriesKey.fmix64(fnv(h2, k, s2 + common, s3));
      out[i + 3] = SeriesKey.fmix64(fnv(h3, k, s3 + common, e[i + 3]));
      start = e[i + 3];
    }
    for (; i < n; i++) {
      out[i] = SeriesKey.fmix64(fnv(FNV_OFFSET, k, start, e[i]));
      start = e[i];
    }
  }

  private static long fnv(long h, byte[] k, int from, int to) {
    for (int j = from; j < to; j++) {
      h = (h ^ k[j]) * FNV_PRIME;
    }
    return h;
  }
}
