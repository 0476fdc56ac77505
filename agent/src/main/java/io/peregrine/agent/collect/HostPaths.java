package io.peregrine.agent.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the host's procfs, sysfs and root filesystem are visible: {@code /host/proc}, {@code /host/sys},
 * {@code /host/root} in a DaemonSet pod that mounts them, the real ones on a plain host.
 */
public record HostPaths(Path proc, Path sys, Path root) {
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
    return Files.readAllLines(proc.resolve(relative));
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
        return Files.readAllLines(init);
      } catch (IOException e) {
        // not allowed to read pid 1's view (no hostPID, or a hardened kernel): the agent's own view is next best
      }
    }
    return Files.readAllLines(proc.resolve(relative));
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

  /** {@link #procLines}, or no lines when the file does not exist. */
  List<String> procLinesIfPresent(String relative) throws IOException {
    Path p = proc.resolve(relative);
    return Files.exists(p) ? Files.readAllLines(p) : List.of();
  }
}
