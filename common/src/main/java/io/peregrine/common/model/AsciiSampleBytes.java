package io.peregrine.common.model;

/**
 * The byte-level proofs of the fast paths that validate samples without decoding them (common's
 * {@link WireSampleValidator}, judge's batch reader): true only for what the full rules accept as it is; anything
 * else (non-ASCII, unsorted tags, ...) goes to the full validator, which accepts or refuses it with its reason.
 */
public final class AsciiSampleBytes {
  private AsciiSampleBytes() {}

  /** Non-empty, at most 255 bytes, printable ASCII only (anything else: the slow path decides). */
  public static boolean name(byte[] b, int off, int len) {
    if (off < 0 || len == 0 || len > Limits.MAX_NAME_LENGTH) {
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

  /** {@link Tags#isCanonical} over ASCII bytes: k=v items, non-empty keys, no spaces or controls, keys ascending. */
  public static boolean canonicalTags(byte[] b, int off, int len) {
    if (off < 0 || len == 0) {
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
        } else if (c <= 0x20 || c == 0x7F) { // also refuses non-ASCII (negative) to the slow path
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
