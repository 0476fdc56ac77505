package io.peregrine.common.json;

/**
 * One item's fields as a {@code Sample} message, in field order, defaults left out (as protobuf's own writer does).
 * Shared by both JSON readers of {@link OpenFalconWireJson}, so the bytes they hand the validator are the same.
 * Not thread-safe: scratch buffers, reused across items.
 */
final class SampleEncoding {
  final Text endpoint = new Text();
  final Text metric = new Text();
  final Text tags = new Text();
  byte[] sample = new byte[1024];

  void clear() {
    endpoint.clear();
    metric.clear();
    tags.clear();
  }

  /** Encodes the item into {@link #sample}; returns its length. */
  int encode(double value, long timestamp, int step, int type) {
    int need = 3 * 6 + endpoint.len + metric.len + tags.len + 9 + 11 + 11 + 6;
    if (sample.length < need) {
      sample = new byte[Math.max(need, sample.length * 2)];
    }
    int p = 0;
    p = endpoint.write(sample, p, 10);
    p = metric.write(sample, p, 18);
    p = tags.write(sample, p, 26);
    long bits = Double.doubleToRawLongBits(value);
    if (bits != 0) {
      sample[p++] = 33;
      for (int i = 0; i < 8; i++) {
        sample[p++] = (byte) (bits >>> (8 * i));
      }
    }
    if (timestamp != 0) {
      sample[p++] = 40;
      p = varint(sample, p, timestamp);
    }
    if (step != 0) {
      sample[p++] = 48;
      p = varint(sample, p, step); // int32: negative values are sign-extended to ten bytes
    }
    if (type != 0) {
      sample[p++] = 56;
      p = varint(sample, p, type);
    }
    return p;
  }

  static int varint(byte[] b, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      b[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  /** One string field as UTF-8, reused across items. */
  static final class Text {
    byte[] utf8 = new byte[256];
    int len;
    char badChar;

    void clear() {
      len = 0;
    }

    /** Bytes already known to be printable ASCII (no escapes): they are their own UTF-8. */
    void setAscii(byte[] b, int off, int n) {
      if (utf8.length < n) {
        utf8 = new byte[Math.max(n, utf8.length * 2)];
      }
      System.arraycopy(b, off, utf8, 0, n);
      len = n;
    }

    void set(String s) {
      set(s.toCharArray(), 0, s.length());
    }

    /** Encodes the characters; returns the position of the first unpaired surrogate, or -1. */
    int set(char[] c, int off, int n) {
      if (utf8.length < n * 3) {
        utf8 = new byte[Math.max(n * 3, utf8.length * 2)];
      }
      int p = 0;
      for (int i = 0; i < n; i++) {
        char ch = c[off + i];
        if (ch < 0x80) {
          utf8[p++] = (byte) ch;
        } else if (ch < 0x800) {
          utf8[p++] = (byte) (0xC0 | (ch >> 6));
          utf8[p++] = (byte) (0x80 | (ch & 0x3F));
        } else if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(c[off + i + 1])) {
          int cp = Character.toCodePoint(ch, c[off + ++i]);
          utf8[p++] = (byte) (0xF0 | (cp >> 18));
          utf8[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          utf8[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          utf8[p++] = (byte) (0x80 | (cp & 0x3F));
        } else if (Character.isSurrogate(ch)) {
          len = 0;
          badChar = ch;
          return i;
        } else {
          utf8[p++] = (byte) (0xE0 | (ch >> 12));
          utf8[p++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
          utf8[p++] = (byte) (0x80 | (ch & 0x3F));
        }
      }
      len = p;
      return -1;
    }

    int write(byte[] b, int p, int tag) {
      if (len == 0) {
        return p;
      }
      b[p++] = (byte) tag;
      p = varint(b, p, len);
      System.arraycopy(utf8, 0, b, p, len);
      return p + len;
    }

    @Override
    public String toString() {
      return new String(utf8, 0, len, java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
