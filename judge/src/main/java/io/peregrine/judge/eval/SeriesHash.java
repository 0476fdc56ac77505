package io.peregrine.judge.eval;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The judge's 64-bit series hash over the UTF-8 bytes of endpoint, metric and tags, eight bytes at a time (a
 * byte-at-a-time FNV over a 35-byte key is a chain of 35 dependent multiplications). Only the judge's own
 * {@link SeriesTable} uses it, and every path into the table (wire bytes, sample objects, the history API) hashes
 * the same bytes with it; a collision costs a key comparison, never a wrong series.
 */
final class SeriesHash {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long K1 = 0x9E3779B97F4A7C15L;
  private static final long K2 = 0xC2B2AE3D27D4EB4FL;

  private SeriesHash() {}

  static long of(byte[] b, int eOff, int eLen, int mOff, int mLen, int tOff, int tLen) {
    long h = part(K2, b, eOff, eLen);
    h = part(h, b, mOff, mLen);
    h = part(h, b, tOff, tLen);
    return mix(h);
  }

  static long of(String endpoint, String metric, String tags) {
    byte[] e = endpoint.getBytes(StandardCharsets.UTF_8);
    byte[] m = metric.getBytes(StandardCharsets.UTF_8);
    byte[] t = tags.getBytes(StandardCharsets.UTF_8);
    long h = part(K2, e, 0, e.length);
    h = part(h, m, 0, m.length);
    h = part(h, t, 0, t.length);
    return mix(h);
  }

  private static long part(long h, byte[] b, int off, int len) {
    h = (h ^ len) * K1; // the length first, so the parts' borders count
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      h = Long.rotateLeft(h ^ ((long) LONGS.get(b, i) * K2), 31) * K1;
    }
    if (i < end) {
      long tail = 0;
      for (int shift = 0; i < end; i++, shift += 8) {
        tail |= (b[i] & 0xFFL) << shift;
      }
      h = Long.rotateLeft(h ^ (tail * K2), 31) * K1;
    }
    return h;
  }

  /** MurmurHash3's finaliser: every input bit reaches every output bit. */
  private static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
