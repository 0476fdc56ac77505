package io.peregrine.common.json;

/**
 * The numbers of {@link FastWireJson}'s plain shape, read in place from the body's bytes. One instance per reader:
 * it keeps the last value read and a scratch buffer for the numbers {@link Decimals} parses.
 */
final class JsonNumbers {
  private static final int MAX_NUMBER = 64;
  private static final long MAX_EXACT_MANTISSA = 1L << 53;
  private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
      1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

  private final char[] number = new char[MAX_NUMBER];
  /** The value of the last {@link #readDouble} / {@link #readLong} that returned a position. */
  double doubleValue;
  long longValue;

  /**
   * A JSON number in the grammar's strict form ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}), read as
   * the Jackson path reads it (Double.parseDouble's value; an integer's -0 is a zero). A decimal without an exponent
   * whose digits fit 2^53 and with at most 22 after the point is one correctly rounded division (exact, as Clinger
   * showed); anything else goes through {@link Decimals}. Returns the position after it, or -1 for anything that is no JSON number.
   */
  int readDouble(byte[] in, int start, int end) {
    int i = start;
    boolean negative = i < end && in[i] == '-';
    if (negative) {
      i++;
    }
    int first = i;
    if (i >= end) {
      return -1;
    }
    long mantissa = 0;
    int c = in[i] - '0';
    if (c == 0) {
      i++;
      if (i < end && in[i] >= '0' && in[i] <= '9') {
        return -1; // a leading zero is no JSON number
      }
    } else if (c > 0 && c <= 9) {
      while (i < end && (c = in[i] - '0') >= 0 && c <= 9) {
        mantissa = mantissa * 10 + c;
        i++;
      }
    } else {
      return -1;
    }
    int digits = i - first;
    int scale = 0;
    boolean integer = true;
    if (i < end && in[i] == '.') {
      integer = false;
      int f = ++i;
      while (i < end && (c = in[i] - '0') >= 0 && c <= 9) {
        mantissa = mantissa * 10 + c;
        i++;
      }
      scale = i - f;
      if (scale == 0) {
        return -1;
      }
      digits += scale;
    }
    boolean exponent = false;
    if (i < end && (in[i] == 'e' || in[i] == 'E')) {
      integer = false;
      exponent = true;
      i++;
      if (i < end && (in[i] == '+' || in[i] == '-')) {
        i++;
      }
      int j = digits(in, i, end);
      if (j == i) {
        return -1;
      }
      i = j;
    }
    double v;
    if (!exponent && digits <= 18 && mantissa <= MAX_EXACT_MANTISSA && scale < POW10.length) {
      v = scale == 0 ? (double) mantissa : mantissa / POW10[scale];
      if (negative) {
        v = -v;
      }
    } else {
      int len = i - start;
      if (len > MAX_NUMBER) {
        return -1;
      }
      for (int k = 0; k < len; k++) {
        number[k] = (char) in[start + k];
      }
      v = Decimals.parse(number, 0, len);
    }
    doubleValue = integer ? v + 0.0 : v;
    return i;
  }

  /** A JSON integer of at most 18 digits (no fraction, no exponent: those are the Jackson path's). */
  int readLong(byte[] in, int start, int end) {
    int i = start;
    boolean negative = i < end && in[i] == '-';
    if (negative) {
      i++;
    }
    int first = i;
    long v = 0;
    int c;
    while (i < end && (c = in[i] - '0') >= 0 && c <= 9) {
      v = v * 10 + c;
      i++;
    }
    int n = i - first;
    if (n == 0 || n > 18 || (n > 1 && in[first] == '0')
        || (i < end && (in[i] == '.' || in[i] == 'e' || in[i] == 'E'))) {
      return -1;
    }
    longValue = negative ? -v : v;
    return i;
  }

  private static int digits(byte[] in, int i, int end) {
    while (i < end && in[i] >= '0' && in[i] <= '9') {
      i++;
    }
    return i;
  }
}
