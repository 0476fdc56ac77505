package io.peregrine.judge.eval;

import io.peregrine.common.model.Limits;

/**
 * The common case of every ingress's sample rules, proved on a {@link SampleView} without copying: printable ASCII
 * names of 1..255 bytes, canonical ASCII tags, metric plus tags within the limit, a finite value, step, counter type
 * and a timestamp in seconds, positive and not too far ahead. A sample it cannot prove valid is not refused here:
 * the caller hands it to the full validator, which accepts or refuses it with its own code and reason. So this
 * never changes what is accepted, only how fast.
 */
public final class FastSampleCheck {
  /** Anything at or above this is milliseconds (the validator's threshold); those take the full path. */
  private static final long MILLIS_THRESHOLD = 1_000_000_000_000L;

  private FastSampleCheck() {}

  /** True (with {@link SampleView#hash()} set) when the viewed sample is valid as it is. */
  public static boolean accept(SampleView v, long nowSeconds) {
    byte[] b = v.buf;
    if (!asciiName(b, v.endpointOff, v.endpointLen) || !asciiName(b, v.metricOff, v.metricLen)
        || v.metricLen + v.tagsLen > Limits.MAX_METRIC_AND_TAGS_LENGTH || !canonicalAsciiTags(b, v.tagsOff, v.tagsLen)
        || !Double.isFinite(v.value) || v.step < Limits.MIN_STEP_SECONDS || v.step > Limits.MAX_STEP_SECONDS
        || v.counterType < 1 || v.counterType > 3 || v.timestamp <= 0 || v.timestamp >= MILLIS_THRESHOLD
        || v.timestamp > nowSeconds + Limits.MAX_FUTURE_SECONDS) {
      return false;
    }
    v.hash = SeriesHash.of(b, v.endpointOff, v.endpointLen, v.metricOff, v.metricLen, v.tagsOff, v.tagsLen);
    return true;
  }

  /** Sets the view's series hash (after the full validator accepted it). */
  public static void hash(SampleView v) {
    v.hash = SeriesHash.of(v.buf, v.endpointOff, v.endpointLen, v.metricOff, v.metricLen, v.tagsOff, v.tagsLen);
  }

  /** Non-empty, at most 255 bytes, printable ASCII only. */
  private static boolean asciiName(byte[] b, int off, int len) {
    if (len == 0 || len > Limits.MAX_NAME_LENGTH) {
      return false;
    }
    for (int i = off, end = off + len; i < end; i++) {
      int c = b[i];
      if (c < 0x20 || c == 0x7F) { // negative = non-ASCII, below 0x20 = control
        return false;
      }
    }
    return true;
  }

  /** k=v items, non-empty keys, no '=' in values, no spaces or controls, ASCII, keys strictly ascending, <= 32. */
  private static boolean canonicalAsciiTags(byte[] b, int off, int len) {
    if (len == 0) {
      return true;
    }
    int end = off + len;
    int count = 0;
    int start = off;
    int prevKeyOff = -1;
    int prevKeyLen = 0;
    while (start <= end) {
      int eq = -1;
      int i = start;
      for (; i < end && b[i] != ','; i++) {
        int c = b[i];
        if (c == '=') {
          if (eq >= 0) {
            return false;
          }
          eq = i;
        } else if (c <= 0x20 || c == 0x7F) {
          return false;
        }
      }
      if (eq <= start) {
        return false;
      }
      if (prevKeyOff >= 0 && compare(b, prevKeyOff, prevKeyLen, start, eq - start) >= 0) {
        return false;
      }
      prevKeyOff = start;
      prevKeyLen = eq - start;
      if (++count > Limits.MAX_TAGS) {
        return false;
      }
      start = i + 1;
    }
    return true;
  }

  private static int compare(byte[] b, int aOff, int aLen, int bOff, int bLen) {
    for (int i = 0, n = Math.min(aLen, bLen); i < n; i++) {
      int d = b[aOff + i] - b[bOff + i];
      if (d != 0) {
        return d;
      }
    }
    return aLen - bLen;
  }
}
