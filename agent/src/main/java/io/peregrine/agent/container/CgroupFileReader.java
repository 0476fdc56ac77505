package io.peregrine.agent.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads one small kernel file at a time into a buffer it keeps, and parses its bytes in place: a round on a node with
 * 100 containers reads ~2,000 of these files, and decoding each into a String, splitting it into lines and boxing its
 * numbers cost more than the reads. Files read every round are {@link KernelFile}s kept open (at most
 * {@link #MAX_HELD} per reader; beyond that they are opened for each read). Not thread-safe: one per collector.
 */
final class CgroupFileReader {
  /** A cgroup file is a few hundred bytes; io.stat and net/dev grow with devices. Larger than this is refused. */
  static final int MAX_BYTES = 1 << 20;
  /**
   * Open {@link KernelFile}s per reader at most: ~10 per cgroup, so ~400 cgroups; each costs a descriptor and about a
   * page of kernel memory.
   */
  static final int MAX_HELD = 4096;

  private byte[] buf = new byte[16 * 1024];
  private ByteBuffer view = ByteBuffer.wrap(buf);
  private int len;
  private Path file;
  private int held;
  private final int maxHeld;

  CgroupFileReader() {
    this(MAX_HELD);
  }

  /** @param maxHeld open {@link KernelFile}s at most (tests) */
  CgroupFileReader(int maxHeld) {
    this.maxHeld = maxHeld;
  }

  /**
   * Reads the whole file through its kept descriptor (opened now if it is not yet); false as {@link #read(Path)},
   * and when the cgroup was removed since the file was opened (kernfs: ENODEV), which also closes it.
   */
  boolean read(KernelFile f) throws IOException {
    FileChannel ch = f.channel();
    if (ch == null) {
      if (held >= maxHeld) {
        return read(f.path());
      }
      try {
        ch = FileChannel.open(f.path(), StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        return false;
      }
      f.opened(ch, this);
      held++;
    }
    file = f.path();
    len = 0;
    try {
      fill(ch, true);
      return true;
    } catch (IOException e) {
      f.close();
      if (gone(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Files this reader holds open. */
  int held() {
    return held;
  }

  void closed() {
    held--;
  }

  /**
   * Reads the whole file; false when it does not exist (a cgroup removed mid-round, a controller not enabled) or
   * refuses reads (the pressure files with psi=0 answer EOPNOTSUPP).
   */
  boolean read(Path file) throws IOException {
    this.file = file;
    len = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      fill(ch, false);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      if (gone(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Reads to the end, from offset 0 when {@code positioned} (a kept descriptor), into the kept buffer. */
  private void fill(FileChannel ch, boolean positioned) throws IOException {
    while (true) {
      if (len == buf.length) {
        if (buf.length >= MAX_BYTES) {
          throw new IOException(file + " is larger than " + MAX_BYTES + " bytes");
        }
        buf = Arrays.copyOf(buf, buf.length * 2);
        view = ByteBuffer.wrap(buf);
      }
      int room = buf.length - len;
      view.limit(buf.length).position(len);
      int n = positioned ? ch.read(view, len) : ch.read(view);
      if (n < 0) {
        return;
      }
      len += n;
      if (n < room) {
        // kernfs and procfs fill a read up to its size unless the file ended (seq_file), and so does a regular
        // file: a short read is the end, and asking again for the EOF would be one more syscall per file
        return;
      }
    }
  }

  /**
   * A file that is not there to read: the pressure files with psi=0 answer EOPNOTSUPP, a removed cgroup's kept
   * descriptor ENODEV.
   */
  private static boolean gone(IOException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("not supported") || m.contains("No such device") || e instanceof NoSuchFileException;
  }

  /** The file as one number; -1 for "max" (no limit) or an empty file. */
  long single() throws IOException {
    int start = skipBlanks(0);
    if (start == len || startsWith(start, MAX)) {
      return -1;
    }
    return number(start);
  }

  /**
   * Lines {@code key value}: {@code out[i]} gets the value of {@code keys[i]}, or -1 when the file has no such key.
   * Other keys are skipped without being parsed.
   */
  void keyValues(byte[][] keys, long[] out) throws IOException {
    Arrays.fill(out, -1);
    for (int start = 0; start < len; start = lineEnd(start) + 1) {
      int sp = indexOf(' ', start, lineEnd(start));
      if (sp < 0) {
        continue;
      }
      int k = key(keys, start, sp);
      if (k >= 0) {
        out[k] = number(sp + 1);
      }
    }
  }

  /**
   * Fields {@code key=value} after the first word of each line (cgroup v2 {@code io.stat}:
   * {@code 8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0}), summed over the lines; -1 for a key never seen.
   */
  void sumFields(byte[][] keys, long[] out) throws IOException {
    Arrays.fill(out, -1);
    for (int start = 0; start < len; start = lineEnd(start) + 1) {
      int end = lineEnd(start);
      for (int i = indexOf(' ', start, end); i >= 0 && i < end; i = indexOf(' ', i + 1, end)) {
        int eq = indexOf('=', i + 1, end);
        int next = indexOf(' ', i + 1, end);
        if (eq < 0 || next >= 0 && next < eq) {
          continue;
        }
        int k = key(keys, i + 1, eq);
        if (k >= 0) {
          out[k] = Math.max(out[k], 0) + number(eq + 1);
        }
      }
    }
  }

  /**
   * cgroup v1 blkio lines {@code 8:0 Read 4096} (and a last line {@code Total 4096}): {@code out[i]} gets the sum
   * over devices of the lines whose second word is {@code keys[i]}; -1 when there is none.
   */
  void sumDeviceLines(byte[][] keys, long[] out) throws IOException {
    Arrays.fill(out, -1);
    for (int start = 0; start < len; start = lineEnd(start) + 1) {
      int end = lineEnd(start);
      int sp1 = indexOf(' ', start, end);
      int sp2 = sp1 < 0 ? -1 : indexOf(' ', sp1 + 1, end);
      if (sp2 < 0) {
        continue; // "Total 0"
      }
      int k = key(keys, sp1 + 1, sp2);
      if (k >= 0) {
        out[k] = Math.max(out[k], 0) + number(sp2 + 1);
      }
    }
  }

  /**
   * Pressure lines {@code some avg10=0.12 avg60=0.05 avg300=0.01 total=123}: {@code out[offset]} gets some's avg10,
   * {@code out[offset + 1]} full's, NaN when absent.
   */
  void pressure(double[] out, int offset) {
    out[offset] = Double.NaN;
    out[offset + 1] = Double.NaN;
    for (int start = 0; start < len; start = lineEnd(start) + 1) {
      int slot = startsWith(start, SOME) ? 0 : startsWith(start, FULL) ? 1 : -1;
      if (slot >= 0 && startsWith(start + 5, AVG10)) {
        out[offset + slot] = decimal(start + 5 + AVG10.length);
      }
    }
  }

  /** The first number of the file ({@code cgroup.procs}: the first pid), or -1 when it has none. */
  long firstNumber() throws IOException {
    int start = skipBlanks(0);
    return start == len ? -1 : number(start);
  }

  /**
   * {@code net/dev}: receive bytes, packets, errs, drop and transmit bytes, packets, errs, drop summed over the
   * interfaces but loopback, into {@code out[0..7]}.
   */
  void netDev(long[] out) throws IOException {
    Arrays.fill(out, 0);
    for (int start = 0; start < len; start = lineEnd(start) + 1) {
      int end = lineEnd(start);
      int colon = indexOf(':', start, end);
      if (colon < 0 || indexOf('|', start, end) >= 0) {
        continue; // the two header lines
      }
      int name = skipBlanks(start);
      if (colon - name == 2 && buf[name] == 'l' && buf[name + 1] == 'o') {
        continue;
      }
      int i = colon + 1;
      for (int field = 0; field < 16; field++) {
        i = skipBlanks(i);
        if (i >= end) {
          throw new IOException(file + ": a line has " + field + " fields, expected 16");
        }
        long v = number(i);
        if (field < 4) {
          out[field] += v;
        } else if (field >= 8 && field < 12) {
          out[field - 4] += v;
        }
        while (i < end && buf[i] != ' ') {
          i++;
        }
      }
    }
  }

  private static final byte[] MAX = {'m', 'a', 'x'};
  private static final byte[] SOME = {'s', 'o', 'm', 'e', ' '};
  private static final byte[] FULL = {'f', 'u', 'l', 'l', ' '};
  private static final byte[] AVG10 = {'a', 'v', 'g', '1', '0', '='};

  private int key(byte[][] keys, int from, int to) {
    for (int k = 0; k < keys.length; k++) {
      if (keys[k].length == to - from && Arrays.equals(buf, from, to, keys[k], 0, to - from)) {
        return k;
      }
    }
    return -1;
  }

  private int lineEnd(int start) {
    int nl = indexOf('\n', start, len);
    return nl < 0 ? len : nl;
  }

  private int indexOf(char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private int skipBlanks(int i) {
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n')) {
      i++;
    }
    return i;
  }

  private boolean startsWith(int at, byte[] prefix) {
    return at + prefix.length <= len && Arrays.equals(buf, at, at + prefix.length, prefix, 0, prefix.length);
  }

  /** A whole non-negative number starting at {@code i}, ended by a blank, a newline or the end of the file. */
  private long number(int i) throws IOException {
    long v = 0;
    int start = i;
    while (i < len && buf[i] >= '0' && buf[i] <= '9') {
      int digit = buf[i++] - '0';
      if (v > (Long.MAX_VALUE - digit) / 10) {
        throw bad(start);
      }
      v = v * 10 + digit;
    }
    if (i == start || i < len && buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\t') {
      throw bad(start);
    }
    return v;
  }

  /** {@code 12.34} as the kernel prints the pressure averages; NaN when it is spelled otherwise. */
  private double decimal(int i) {
    long whole = 0;
    long frac = 0;
    long scale = 1;
    int start = i;
    while (i < len && buf[i] >= '0' && buf[i] <= '9' && i - start < 18) {
      whole = whole * 10 + (buf[i++] - '0');
    }
    if (i == start) {
      return Double.NaN;
    }
    if (i < len && buf[i] == '.') {
      i++;
      while (i < len && buf[i] >= '0' && buf[i] <= '9' && scale < 1_000_000_000L) {
        frac = frac * 10 + (buf[i++] - '0');
        scale *= 10;
      }
    }
    return whole + (double) frac / scale;
  }

  private IOException bad(int at) {
    int end = at;
    while (end < len && end - at < 40 && buf[end] != ' ' && buf[end] != '\n') {
      end++;
    }
    return new IOException(file + ": '" + new String(buf, at, end - at, java.nio.charset.StandardCharsets.US_ASCII)
        + "' is not a whole number");
  }
}
