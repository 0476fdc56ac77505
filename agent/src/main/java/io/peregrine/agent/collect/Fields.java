package io.peregrine.agent.collect;

import java.util.Arrays;

/**
 * Splits a procfs line on runs of blanks (spaces and tabs), leading and trailing ones ignored: what
 * {@code line.trim().split("\\s+")} gives, without compiling a regular expression on every call (String.split only
 * skips the regex engine for a one-character pattern) and with one array per line.
 */
final class Fields {
  private Fields() {}

  static String[] split(String line) {
    return split(line, 0);
  }

  /** The fields of {@code line} from index {@code from} on. */
  static String[] split(String line, int from) {
    String[] out = new String[8];
    int n = 0;
    int i = from;
    int end = line.length();
    while (true) {
      while (i < end && blank(line.charAt(i))) {
        i++;
      }
      if (i >= end) {
        break;
      }
      int start = i;
      while (i < end && !blank(line.charAt(i))) {
        i++;
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = line.substring(start, i);
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private static boolean blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }
}
