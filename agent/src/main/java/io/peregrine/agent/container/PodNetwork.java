package io.peregrine.agent.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's network counters: the pod's containers share one network namespace, so {@code <procRoot>/<pid>/net/dev}
 * of any of their processes lists the pod's interfaces. Loopback is left out; the others are summed. The process
 * found is kept for the next rounds, looked up again when it has ended, and checked anew when the caller says so
 * (a pid the kernel gave to another process meanwhile would report another namespace). Its {@code net/dev} is kept
 * open between those checks ({@link KernelFile}); an open {@code net/dev} holds its network namespace, so it is
 * closed at each check and when the pod is no longer read.
 */
public final class PodNetwork {
  private final Path proc;
  private Map<String, KernelFile> netDev = new HashMap<>();
  private Map<String, KernelFile> seen = new HashMap<>();

  public PodNetwork(Path procRoot) {
    this.proc = procRoot;
  }

  /**
   * Fills {@code out} with receive bytes, packets, errors, drops, then transmit's, from the first process of the
   * first container that has one; false when none can be read.
   */
  boolean read(String podUid, List<CgroupTree.ContainerCgroup> containers, CgroupFileReader r, boolean recheck,
      long[] out) throws IOException {
    KernelFile dev = netDev.get(podUid);
    if (dev != null && recheck) {
      dev.close();
      dev = null;
    }
    if (dev != null && r.read(dev)) {
      seen.put(podUid, dev);
      r.netDev(out);
      return true;
    }
    for (CgroupTree.ContainerCgroup c : containers) {
      if (!r.read(c.files().procs())) {
        continue;
      }
      long pid = r.firstNumber();
      if (pid <= 0) {
        continue;
      }
      dev = new KernelFile(proc.resolve(Long.toString(pid)).resolve("net").resolve("dev"));
      if (r.read(dev)) { // else the process ended since cgroup.procs was read: try the next container
        seen.put(podUid, dev);
        r.netDev(out);
        return true;
      }
    }
    return false;
  }

  /** Ends a round: the pods not read in it are forgotten. */
  void endRound() {
    for (Map.Entry<String, KernelFile> e : netDev.entrySet()) {
      if (seen.get(e.getKey()) != e.getValue()) {
        e.getValue().close();
      }
    }
    netDev = seen;
    seen = new HashMap<>();
  }
}
