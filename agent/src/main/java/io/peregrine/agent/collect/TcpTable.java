package io.peregrine.agent.collect;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.function.LongSupplier;

/**
 * Reads the host's socket tables, {@code net/tcp}, {@code net/tcp6}, {@code net/udp}, {@code net/udp6} (through
 * pid 1, the host's network namespace), line by line without splitting: a busy host lists tens of thousands of
 * sockets. What it keeps: the ports with a listening TCP socket (state 0A) or a bound, unconnected UDP socket
 * (state 07 and remote port 0: what {@code ss -lu} shows), and the number of TCP sockets in SYN_RECV (state 03).
 *
 * <p>ss.synrecv (collection thread) and net.port.listen (checks thread) both need a scan in the same round, so a scan
 * younger than {@link #REUSE_NANOS} is handed out again instead of reading the tables twice.
 *
 * <p>A scan is dear whatever the number of sockets: the kernel walks its whole TCP hash (sized from RAM, 2^18 and more
 * buckets) for {@code tcp} and again for {@code tcp6}, about 5 ms of kernel time per table on a 24 GB machine, more
 * than everything else a round reads together. So ss.synrecv asks for a scan at most every
 * {@link #SYNRECV_REFRESH_NANOS} and repeats the last count in between ({@link #scan(long)}).
 */
public final class TcpTable {
  static final long REUSE_NANOS = 1_000_000_000L;
  /** How old a scan ss.synrecv takes: a minute, like the checks' interval. */
  static final long SYNRECV_REFRESH_NANOS = 60_000_000_000L;
  /** Read size: a busy host's tables are megabytes, and each read() resumes the kernel's walk. */
  private static final int READ_BYTES = 64 * 1024;
  private static final int TCP_LISTEN = 0x0A;
  private static final int TCP_SYN_RECV = 0x03;
  private static final int UDP_UNCONNECTED = 0x07;

  /** One scan: listening ports (0..65535) and SYN_RECV sockets. */
  record Snapshot(BitSet listening, int synRecv) {
    boolean listens(int port) {
      return port >= 0 && port <= 65535 && listening.get(port);
    }
  }

  private final HostPaths paths;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  // guarded by lock
  private Snapshot last;
  private long lastNanos;

  public TcpTable(HostPaths paths) {
    this(paths, System::nanoTime);
  }

  TcpTable(HostPaths paths, LongSupplier nanoTime) {
    this.paths = paths;
    this.nanoTime = nanoTime;
  }

  Snapshot scan() throws IOException {
    return scan(REUSE_NANOS);
  }

  /** The last scan when it is younger than {@code maxAgeNanos}, else a new one. */
  Snapshot scan(long maxAgeNanos) throws IOException {
    synchronized (lock) {
      long now = nanoTime.getAsLong();
      if (last != null && now - lastNanos < maxAgeNanos) {
        return last;
      }
      BitSet listening = new BitSet(65536);
      int[] synRecv = {0};
      read("net/tcp", true, listening, synRecv);
      read("net/tcp6", true, listening, synRecv);
      read("net/udp", false, listening, synRecv);
      read("net/udp6", false, listening, synRecv);
      last = new Snapshot(listening, synRecv[0]);
      lastNanos = now;
      return last;
    }
  }

  private void read(String relative, boolean tcp, BitSet listening, int[] synRecv) throws IOException {
    Path file = paths.proc().resolve("1").resolve(relative);
    if (!Files.isReadable(file)) {
      file = paths.proc().resolve(relative);
    }
    // the byte buffer sets the read() size (the decoder below reads 8 KB at a time from it)
    try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(
        new java.io.BufferedInputStream(Files.newInputStream(file), READ_BYTES), StandardCharsets.ISO_8859_1))) {
      r.readLine(); // header
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        parseLine(line, tcp, listening, synRecv);
      }
    } catch (NoSuchFileException e) {
      // no IPv6 (ipv6.disable=1), or a fixture without UDP: nothing listens there
    }
  }

  /** {@code   0: 0100007F:0035 00000000:0000 0A 00000000:00000000 ...}: local port, remote port, state (hex). */
  static void parseLine(String line, boolean tcp, BitSet listening, int[] synRecv) {
    int i = line.indexOf(':');
    if (i < 0) {
      return;
    }
    int localPortAt = line.indexOf(':', i + 1) + 1;
    int localEnd = line.indexOf(' ', localPortAt);
    if (localPortAt <= 0 || localEnd < 0) {
      return;
    }
    int remoteStart = skipSpaces(line, localEnd);
    int remotePortAt = line.indexOf(':', remoteStart) + 1;
    int remoteEnd = line.indexOf(' ', remotePortAt);
    if (remotePortAt <= 0 || remoteEnd < 0) {
      return;
    }
    int stateStart = skipSpaces(line, remoteEnd);
    if (stateStart + 2 > line.length()) {
      return;
    }
    int state = hex(line, stateStart, stateStart + 2);
    int localPort = hex(line, localPortAt, localEnd);
    if (state < 0 || localPort < 0) {
      return;
    }
    if (tcp) {
      if (state == TCP_LISTEN) {
        listening.set(localPort);
      } else if (state == TCP_SYN_RECV) {
        synRecv[0]++;
      }
    } else if (state == UDP_UNCONNECTED && hex(line, remotePortAt, remoteEnd) == 0) {
      listening.set(localPort);
    }
  }

  private static int skipSpaces(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static int hex(String s, int from, int to) {
    if (to <= from || to - from > 7) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }
}
