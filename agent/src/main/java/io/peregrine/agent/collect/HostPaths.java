package io.peregrine.agent.collect;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the host's procfs, sysfs and root filesystem are visible: {@code /host/proc}, {@code /host/sys},
 * {@code /host/root} in a DaemonSet pod that mounts them, the real ones on a plain host.
 */
public record HostPaths(Path proc, Path sys, Path root) {
  /** One read buffer per collecting thread (collection and checks), grown to the largest file read. */
  private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[16 * 1024]);

  public static HostPaths resolve(String procRoot, String sysRoot, String hostRoot) {
    return new HostPaths(pick(procRoot, "/host/proc", "/proc"), pick(sysRoot, "/host/sys", "/sys"),
        pick(hostRoot, "/host/root", "/"));
  }

  private static Path pick(String configured, String inPod, String onHost) {
    if (!configured.isEmpty()) {
      return Path.of(configured);
    }
    return Files.isDirectory(Path.of(inPod)) ? Path.of(inPod) : Path.of(onHost);
  }

  /** True when this looks like a Linux procfs (macOS and Windows have none: OSHI takes over there). */
  public boolean hasProcfs() {
    return Files.isReadable(proc.resolve("stat")) && Files.isReadable(proc.resolve("meminfo"));
  }

  /** A file under procRoot. */
  List<String> procLines(String relative) throws IOException {
    return readLines(proc.resolve(relative));
  }

  /**
   * A per-process procfs file as the host sees it. {@code /proc/net/dev} and {@code /proc/mounts} point at
   * {@code self}, which in a pod is the agent's own container; {@code <procRoot>/1/...} is the host's init (the pod
   * runs with hostPID). Falls back to the plain path when pid 1's view is not readable or absent (test fixtures).
   */
  List<String> hostViewLines(String relative) throws IOException {
    Path init = proc.resolve("1").resolve(relative);
    if (Files.isReadable(init)) {
      try {
        return readLines(init);
      } catch (IOException e) {
        // not allowed to read pid 1's view (no hostPID, or a hardened kernel): the agent's own view is next best
      }
    }
    return readLines(proc.resolve(relative));
  }

  /**
   * {@link #hostViewLines}, or no lines when the file does not exist: what an older kernel or a module that is not
   * loaded lacks (pressure stall, conntrack, sockstat6) is simply not reported.
   */
  List<String> hostViewLinesIfPresent(String relative) throws IOException {
    if (!Files.exists(proc.resolve("1").resolve(relative)) && !Files.exists(proc.resolve(relative))) {
      return List.of();
    }
    return hostViewLines(relative);
  }

  /**
   * The lines of a procfs or sysfs file. These are ASCII and mostly a few KB, read every round: one read into a
   * buffer kept per thread and one Latin-1 String per line, instead of a reader, a charset decoder and its buffers
   * per file.
   */
  static List<String> readLines(Path file) throws IOException {
    byte[] buf = BUFFER.get();
    int n = 0;
    try (InputStream in = open(file)) {
      for (int r; (r = in.read(buf, n, buf.length - n)) >= 0; ) {
        n += r;
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2);
          BUFFER.set(buf);
        }
      }
    }
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (buf[i] == '\n') {
        lines.add(new String(buf, start, i - start, StandardCharsets.ISO_8859_1));
        start = i + 1;
      }
    }
    if (start < n) {
      lines.add(new String(buf, start, n - start, StandardCharsets.ISO_8859_1));
    }
    return lines;
  }

  /** Opens a file, with java.nio's exceptions (callers tell a missing file from an unreadable one). */
  private static InputStream open(Path file) throws IOException {
    try {
      return new FileInputStream(file.toFile());
    } catch (FileNotFoundException e) {
      if (!Files.exists(file)) {
        throw new NoSuchFileException(file.toString());
      }
      throw new AccessDeniedException(file.toString(), null, e.getMessage());
    }
  }

  /** {@link #procLines}, or no lines when the file does not exist. */
  List<String> procLinesIfPresent(String relative) throws IOException {
    Path p = proc.resolve(relative);
    return Files.exists(p) ? readLines(p) : List.of();
  }
}
