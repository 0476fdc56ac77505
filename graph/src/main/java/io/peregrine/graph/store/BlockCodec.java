package io.peregrine.graph.store;

import java.util.Arrays;

/**
 * Gorilla-style XOR compression of one closed block of float cells ({@link ArchiveLayout#BLOCK_ROWS} values): the
 * first value's 32 bits, then per value the XOR with the previous one: a {@code 0} bit when equal; else {@code 10}
 * and the meaningful bits inside the previous window of leading and trailing zeros; else {@code 11}, 5 bits of
 * leading zeros, 5 bits of (meaningful bits - 1) and the meaningful bits. Timestamps are not stored: a row's time
 * follows from its ring position. Lossless on the float bits (NaN payloads, -0, subnormals and infinities come back
 * bit for bit); the store never writes infinities (the validator rejects them) but the codec does not care.
 *
 * <p>Used by {@link LayoutStudy} to measure what a compressed layout would take; the segment layout itself still
 * stores 4-byte cells.
 */
final class BlockCodec {
  /** The most bytes a block of {@code n} values can take: 4 + ceil((n - 1) * (2 + 10 + 32) / 8). */
  static int maxBytes(int n) {
    return 4 + ((n - 1) * 44 + 7) / 8;
  }

  private BlockCodec() {}

  /** Encodes {@code n} values starting at {@code from}; the answer is exactly as long as the encoding. */
  static byte[] encode(float[] values, int from, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("a block holds at least one value, got " + n);
    }
    BitWriter w = new BitWriter(maxBytes(n));
    int prev = Float.floatToRawIntBits(values[from]);
    w.write(prev & 0xFFFFFFFFL, 32);
    int lead = -1;
    int trail = 0;
    for (int i = 1; i < n; i++) {
      int bits = Float.floatToRawIntBits(values[from + i]);
      int x = bits ^ prev;
      prev = bits;
      if (x == 0) {
        w.write(0, 1);
        continue;
      }
      int l = Math.min(Integer.numberOfLeadingZeros(x), 31);
      int t = Integer.numberOfTrailingZeros(x);
      if (lead >= 0 && l >= lead && t >= trail) {
        w.write(0b10, 2);
        w.write((x >>> trail) & mask(32 - lead - trail), 32 - lead - trail);
      } else {
        lead = l;
        trail = t;
        int meaningful = 32 - l - t;
        w.write(0b11, 2);
        w.write(l, 5);
        w.write(meaningful - 1, 5);
        w.write((x >>> t) & mask(meaningful), meaningful);
      }
    }
    return w.bytes();
  }

  /**
   * Decodes {@code n} values into {@code out} from {@code at}.
   *
   * @throws IllegalArgumentException when the bytes end before {@code n} values (a damaged block)
   */
  static void decode(byte[] in, int n, float[] out, int at) {
    BitReader r = new BitReader(in);
    int prev = (int) r.read(32);
    out[at] = Float.intBitsToFloat(prev);
    int lead = 0;
    int meaningful = 0;
    for (int i = 1; i < n; i++) {
      if (r.read(1) != 0) {
        if (r.read(1) != 0) {
          lead = (int) r.read(5);
          meaningful = (int) r.read(5) + 1;
          if (lead + meaningful > 32) {
            throw new IllegalArgumentException("damaged block: window of " + lead + " + " + meaningful + " bits");
          }
        } else if (meaningful == 0) {
          throw new IllegalArgumentException("damaged block: a value reuses a window before any was set");
        }
        int trail = 32 - lead - meaningful;
        prev ^= (int) (r.read(meaningful) << trail);
      }
      out[at + i] = Float.intBitsToFloat(prev);
    }
  }

  private static long mask(int bits) {
    return bits == 64 ? -1L : (1L << bits) - 1;
  }

  /** Big-endian bit packing into a byte array of a known bound. */
  private static final class BitWriter {
    private final byte[] out;
    private int bit;

    BitWriter(int capacity) {
      out = new byte[capacity];
    }

    void write(long value, int bits) {
      for (int i = bits - 1; i >= 0; i--) {
        if (((value >>> i) & 1) != 0) {
          out[bit >>> 3] |= (byte) (0x80 >>> (bit & 7));
        }
        bit++;
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(out, (bit + 7) >>> 3);
    }
  }

  private static final class BitReader {
    private final byte[] in;
    private int bit;

    BitReader(byte[] in) {
      this.in = in;
    }

    long read(int bits) {
      if (bit + bits > in.length * 8) {
        throw new IllegalArgumentException("damaged block: " + in.length + " bytes end before its values");
      }
      long v = 0;
      for (int i = 0; i < bits; i++) {
        v = (v << 1) | ((in[bit >>> 3] >>> (7 - (bit & 7))) & 1);
        bit++;
      }
      return v;
    }
  }
}
