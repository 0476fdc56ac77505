package io.peregrine.common.json;

/**
 * A JSON number's text to a double without making a String: the exact fast case (at most 15 significant digits,
 * a power of ten at most 22: one correctly rounded multiplication or division, as Clinger showed), anything else
 * through {@link Double#parseDouble}. The result is always Double.parseDouble's.
 */
final class Decimals {
  private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
      1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

  private Decimals() {}

  static double parse(char[] c, int off, int len) {
    int i = off;
    int end = off + len;
    boolean negative = false;
    if (i < end && (c[i] == '-' || c[i] == '+')) {
      negative = c[i] == '-';
      i++;
    }
    long mantissa = 0;
    int digits = 0;
    int scale = 0; // digits after the point
    boolean point = false;
    boolean any = false;
    for (; i < end; i++) {
      char ch = c[i];
      if (ch >= '0' && ch <= '9') {
        any = true;
        if (mantissa == 0 && ch == '0') {
          if (point) {
            scale++;
          }
          continue; // leading zeros are not significant
        }
        if (++digits > 15) {
          return slow(c, off, len);
        }
        mantissa = mantissa * 10 + (ch - '0');
        if (point) {
          scale++;
        }
      } else if (ch == '.' && !point) {
        point = true;
      } else {
        break;
      }
    }
    int exponent = 0;
    if (i < end) {
      if (c[i] != 'e' && c[i] != 'E') {
        return slow(c, off, len);
      }
      i++;
      boolean negExp = false;
      if (i < end && (c[i] == '-' || c[i] == '+')) {
        negExp = c[i] == '-';
        i++;
      }
      if (i == end) {
        return slow(c, off, len);
      }
      for (; i < end; i++) {
        char ch = c[i];
        if (ch < '0' || ch > '9' || exponent > 10_000) {
          return slow(c, off, len);
        }
        exponent = exponent * 10 + (ch - '0');
      }
      if (negExp) {
        exponent = -exponent;
      }
    }
    if (!any) {
      return slow(c, off, len);
    }
    int e = exponent - scale;
    double v;
    if (mantissa == 0) {
      v = 0;
    } else if (e >= 0 && e < POW10.length) {
      v = mantissa * POW10[e];
    } else if (e < 0 && -e < POW10.length) {
      v = mantissa / POW10[-e];
    } else {
      return slow(c, off, len);
    }
    return negative ? -v : v;
  }

  private static double slow(char[] c, int off, int len) {
    return Double.parseDouble(new String(c, off, len));
  }
}
