package io.peregrine.agent.container;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the kubelet's pod and container cgroups, for both cgroup drivers:
 * <ul>
 *   <li>systemd: {@code kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/<container>.scope}
 *       (the pod uid with '_' for '-'; Guaranteed pods sit directly under {@code kubepods.slice});</li>
 *   <li>cgroupfs: {@code kubepods/burstable/pod<uid>/<container>} (Guaranteed pods directly under {@code kubepods}).</li>
 * </ul>
 * On cgroup v2 under the one hierarchy; on cgroup v1 under the memory controller's (the same names repeat under
 * every controller, {@link CgroupV1Files} reads them there). Container directories: containerd
 * {@code cri-containerd-<id>.scope} (systemd) or the bare 64-hex id (cgroupfs), CRI-O {@code crio-<id>.scope} or
 * {@code crio-<id>}, cri-dockerd {@code docker-<id>.scope}. CRI-O's {@code crio-conmon-<id>} monitors are not
 * containers and are skipped. The pod sandbox ("pause") is a container cgroup like the others here (the kubelet
 * lists no id for it; {@link ContainerCollector} leaves it out when it has the pod's metadata).
 *
 * <p>On cgroup v2 a scan first reads {@code nr_descendants} from the kubepods cgroup's {@code cgroup.stat}: while it
 * stays the same and no cgroup of the last scan vanished ({@link #invalidate}), the last scan stands and no directory
 * is listed (directory times do not help: kernfs does not update them when a child cgroup comes or goes). Otherwise,
 * and always on cgroup v1, the QoS directories and every pod directory are listed by name only (no stat, no Path per
 * entry); a pod whose listing is the one of the previous scan keeps its parsed containers and their resolved file
 * paths and its open files; the files of cgroups a scan no longer finds are closed.
 *
 * <p>On cgroupfs a removed cgroup's open files answer ENODEV, which the read takes as the cgroup gone. On a fixture
 * tree on a regular file system a deleted file stays readable through its open descriptor, so there a removed
 * cgroup is noticed only by the next listing (a changed {@code nr_descendants}, or no {@code cgroup.stat}).
 */
public final class CgroupTree {
  /** How the host's cgroups are mounted. */
  public enum Version { V2, V1, NONE }

  private static final Pattern SYSTEMD_POD = Pattern.compile("kubepods(?:-(burstable|besteffort))?-pod([0-9a-f_]+)\\.slice");
  private static final Pattern CGROUPFS_POD = Pattern.compile("pod([0-9a-f-]+)");
  private static final Pattern CONTAINER = Pattern.compile(
      "(?:(cri-containerd|crio|docker)-)?([0-9a-f]{64})(?:\\.scope)?");

  public record ContainerCgroup(String id, String runtime, Path dir, CgroupFiles files) {}

  public record PodCgroup(String uid, String qos, Path dir, List<ContainerCgroup> containers, CgroupFiles files) {}

  /** A pod directory as last listed. */
  private record Listed(String[] names, PodCgroup pod) {}

  private final Path root;
  private Version version;
  private Path listed;
  private CgroupV1Files.Roots v1;
  private Map<Path, Listed> cache = new HashMap<>();
  private final CgroupFileReader reader = new CgroupFileReader();
  private final long[] descendantsValue = new long[1];
  private long descendants = -1;
  private KernelFile[] kubepodsStat;
  private List<PodCgroup> last;

  /** @param root the cgroup mount: {@code <sysRoot>/fs/cgroup} */
  public CgroupTree(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** v2 has {@code cgroup.controllers} at its root; v1 (and hybrid) has a directory per controller. */
  public Version version() {
    if (Files.isRegularFile(root.resolve("cgroup.controllers"))) {
      return Version.V2;
    }
    if (Files.isDirectory(root.resolve("memory")) || Files.isDirectory(root.resolve("cpu,cpuacct"))
        || Files.isDirectory(root.resolve("cpu"))) {
      return Version.V1;
    }
    return Version.NONE;
  }

  /** Every pod cgroup with its containers, sorted by pod uid then container id (a stable order for the caps). */
  public List<PodCgroup> scan() {
    if (version == null) {
      version = version();
      v1 = version == Version.V1 ? CgroupV1Files.Roots.of(root) : null;
      listed = v1 == null ? root : v1.listed();
    }
    long now = descendants();
    if (now >= 0 && now == descendants && last != null) {
      return last;
    }
    Map<Path, Listed> seen = new HashMap<>();
    List<PodCgroup> pods = new ArrayList<>();
    Path systemd = listed.resolve("kubepods.slice");
    scanQos(systemd, "guaranteed", true, seen, pods);
    scanQos(systemd.resolve("kubepods-burstable.slice"), "burstable", true, seen, pods);
    scanQos(systemd.resolve("kubepods-besteffort.slice"), "besteffort", true, seen, pods);
    Path cgroupfs = listed.resolve("kubepods");
    scanQos(cgroupfs, "guaranteed", false, seen, pods);
    scanQos(cgroupfs.resolve("burstable"), "burstable", false, seen, pods);
    scanQos(cgroupfs.resolve("besteffort"), "besteffort", false, seen, pods);
    closeGone(seen);
    cache = seen; // pods gone since the last scan are forgotten
    pods.sort(Comparator.comparing(PodCgroup::uid));
    descendants = now;
    last = List.copyOf(pods);
    return last;
  }

  /** Closes the kept files of the cgroups of the last scan that this one no longer has. */
  private void closeGone(Map<Path, Listed> seen) {
    Set<CgroupFiles> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Listed l : seen.values()) {
      kept.add(l.pod().files());
      for (ContainerCgroup c : l.pod().containers()) {
        kept.add(c.files());
      }
    }
    for (Listed l : cache.values()) {
      if (!kept.contains(l.pod().files())) {
        l.pod().files().close();
      }
      for (ContainerCgroup c : l.pod().containers()) {
        if (!kept.contains(c.files())) {
          c.files().close();
        }
      }
    }
  }

  /** A cgroup of the last scan is gone: the next scan lists the directories again. */
  public void invalidate() {
    descendants = -1;
  }

  /** cgroup v2's count of cgroups under kubepods (both drivers' names summed), -1 when it cannot be read. */
  private long descendants() {
    if (v1 != null) {
      return -1;
    }
    long sum = -1;
    if (kubepodsStat == null) {
      kubepodsStat = new KernelFile[] {new KernelFile(listed.resolve("kubepods.slice").resolve("cgroup.stat")),
          new KernelFile(listed.resolve("kubepods").resolve("cgroup.stat"))};
    }
    for (KernelFile stat : kubepodsStat) {
      try {
        if (reader.read(stat)) {
          reader.keyValues(NR_DESCENDANTS, descendantsValue);
          if (descendantsValue[0] < 0) {
            return -1;
          }
          sum = Math.max(sum, 0) + descendantsValue[0];
        }
      } catch (java.io.IOException e) {
        return -1; // unreadable: list the directories instead
      }
    }
    return sum;
  }

  private static final byte[][] NR_DESCENDANTS = CgroupV2Files.keys("nr_descendants");

  private void scanQos(Path qosDir, String qos, boolean systemd, Map<Path, Listed> seen, List<PodCgroup> out) {
    String[] names = names(qosDir);
    if (names == null) {
      return;
    }
    for (String name : names) {
      if (systemd ? !name.startsWith("kubepods-") || !name.endsWith(".slice") : !name.startsWith("pod")) {
        continue; // the QoS directory's own files
      }
      Path dir = qosDir.resolve(name);
      Listed before = cache.get(dir);
      String uid = before != null ? before.pod().uid() : podUid(name, qos, systemd);
      if (uid == null) {
        continue;
      }
      String[] entries = names(dir);
      if (entries == null) {
        continue; // removed since the QoS directory was listed
      }
      PodCgroup pod = before != null && Arrays.equals(before.names(), entries) ? before.pod()
          : new PodCgroup(uid, qos, dir, containers(dir, entries, before), files(dir));
      seen.put(dir, new Listed(entries, pod));
      out.add(pod);
    }
  }

  private static String podUid(String name, String qos, boolean systemd) {
    if (systemd) {
      Matcher m = SYSTEMD_POD.matcher(name);
      return m.matches() && qos.equals(m.group(1) == null ? "guaranteed" : m.group(1))
          ? m.group(2).replace('_', '-') : null;
    }
    Matcher m = CGROUPFS_POD.matcher(name);
    return m.matches() ? m.group(1) : null;
  }

  /** The pod's containers; those already known keep their objects (and so their resolved paths). */
  private List<ContainerCgroup> containers(Path podDir, String[] entries, Listed before) {
    Map<Path, ContainerCgroup> known = new HashMap<>();
    if (before != null) {
      for (ContainerCgroup c : before.pod().containers()) {
        known.put(c.dir(), c);
      }
    }
    List<ContainerCgroup> out = new ArrayList<>();
    for (String name : entries) {
      if (name.length() < 64) {
        continue; // cpu.stat, memory.current, ...: the files beside the container cgroups
      }
      Path dir = podDir.resolve(name);
      ContainerCgroup c = known.get(dir);
      if (c == null) {
        Matcher m = CONTAINER.matcher(name);
        if (!m.matches()) {
          continue;
        }
        // a bare id (cgroupfs driver) does not say which runtime made it
        String runtime = m.group(1) == null ? "" : m.group(1).equals("cri-containerd") ? "containerd" : m.group(1);
        c = new ContainerCgroup(m.group(2), runtime, dir, files(dir));
      }
      out.add(c);
    }
    out.sort(Comparator.comparing(ContainerCgroup::id));
    return List.copyOf(out);
  }

  private CgroupFiles files(Path dir) {
    return v1 == null ? new CgroupV2Files(dir) : new CgroupV1Files(v1, listed.relativize(dir));
  }

  /**
   * The entry names, sorted (the kernel's order is stable, a fixture's file system's may not be), or null when the
   * directory is missing or gone (a pod deleted mid-scan is not an error).
   */
  private static String[] names(Path dir) {
    String[] names = new File(dir.toString()).list();
    if (names != null) {
      Arrays.sort(names);
    }
    return names;
  }
}
