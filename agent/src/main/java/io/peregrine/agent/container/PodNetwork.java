package io.peregrine.agent.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A pod's network counters: the pod's containers share one network namespace, so {@code <procRoot>/<pid>/net/dev}
 * of any of their processes lists the pod's interfaces. Loopback is left out; the others are summed.
 */
public final class PodNetwork {
  /** Receive and transmit bytes, packets, errors and drops, summed over the pod's interfaces. */
  public record Counters(long inBytes, long inPackets, long inErrors, long inDropped, long outBytes, long outPackets,
      long outErrors, long outDropped) {}

  private final Path proc;

  public PodNetwork(Path procRoot) {
    this.proc = procRoot;
  }

  /** The counters seen by the first process of the first container that has one, or null when none can be read. */
  public Counters read(List<CgroupTree.ContainerCgroup> containers) throws IOException {
    for (CgroupTree.ContainerCgroup c : containers) {
      for (String pid : CgroupStats.lines(c.dir().resolve("cgroup.procs"))) {
        pid = pid.trim();
        if (pid.isEmpty()) {
          continue;
        }
        try {
          return parse(Files.readAllLines(proc.resolve(pid).resolve("net").resolve("dev")));
        } catch (NoSuchFileException e) {
          // the process ended since cgroup.procs was read: try the next one
        }
      }
    }
    return null;
  }

  static Counters parse(List<String> lines) throws IOException {
    long[] sum = new long[8];
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0 || line.contains("|")) {
        continue; // the two header lines
      }
      if (line.substring(0, colon).trim().equals("lo")) {
        continue;
      }
      String[] f = line.substring(colon + 1).trim().split(" +");
      if (f.length < 16) {
        throw new IOException("net/dev line has " + f.length + " fields, expected 16: " + line);
      }
      try {
        // receive: bytes packets errs drop (0-3); transmit: bytes packets errs drop (8-11)
        for (int i = 0; i < 4; i++) {
          sum[i] += Long.parseLong(f[i]);
          sum[4 + i] += Long.parseLong(f[8 + i]);
        }
      } catch (NumberFormatException e) {
        throw new IOException("net/dev line is not numbers: " + line);
      }
    }
    return new Counters(sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7]);
  }
}
