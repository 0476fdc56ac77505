package io.peregrine.common.model;

import io.peregrine.proto.v1.Sample;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The identity of a series: {@code endpoint/metric/tags} with canonical tags (Open-Falcon's primary key), and its
 * stable 64-bit hash, which places the series on the graph and judge rings.
 *
 * <p>The hash is FNV-1a over the UTF-16 code units of the three parts and two separators, finished with
 * MurmurHash3's fmix64 so that similar keys spread over the whole ring. It depends only on the characters, never on
 * the JVM, so every transfer instance routes a series to the same node. It is computed without building the key
 * string, keeping routing allocation-free.
 */
public final class SeriesKey {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private SeriesKey() {}

  public static String of(String endpoint, String metric, String tags) {
    return endpoint + '/' + metric + '/' + tags;
  }

  public static String of(Sample s) {
    return of(s.getEndpoint(), s.getMetric(), s.getTags());
  }

  public static long hash(Sample s) {
    return hash(s.getEndpoint(), s.getMetric(), s.getTags());
  }

  public static long hash(String endpoint, String metric, String tags) {
    long h = FNV_OFFSET;
    h = mix(h, endpoint);
    h = (h ^ '/') * FNV_PRIME;
    h = mix(h, metric);
    h = (h ^ '/') * FNV_PRIME;
    h = mix(h, tags);
    return fmix64(h);
  }

  /** Hash of any text with the same function, for ring positions of nodes. */
  public static long hash(String text) {
    return fmix64(mix(FNV_OFFSET, text));
  }

  /** Open-Falcon's event ids use the MD5 hex of the series key; kept for compatibility with its tools. */
  public static String md5Hex(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(32);
      for (byte b : digest) {
        hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every JVM", e);
    }
  }

  private static long mix(long h, String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      h = (h ^ s.charAt(i)) * FNV_PRIME;
    }
    return h;
  }

  static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
