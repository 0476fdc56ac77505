package io.peregrine.agent.container;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the kubelet's pod and container cgroups in a cgroup v2 hierarchy, for both cgroup drivers:
 * <ul>
 *   <li>systemd: {@code kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/<container>.scope}
 *       (the pod uid with '_' for '-'; Guaranteed pods sit directly under {@code kubepods.slice});</li>
 *   <li>cgroupfs: {@code kubepods/burstable/pod<uid>/<container>} (Guaranteed pods directly under {@code kubepods}).</li>
 * </ul>
 * Container directories: containerd {@code cri-containerd-<id>.scope} (systemd) or the bare 64-hex id (cgroupfs),
 * CRI-O {@code crio-<id>.scope} or {@code crio-<id>}, cri-dockerd {@code docker-<id>.scope}. CRI-O's
 * {@code crio-conmon-<id>} monitors are not containers and are skipped. The pod sandbox ("pause") is a container
 * cgroup like the others; the kubelet lists no id for it, so it is reported by id.
 */
public final class CgroupTree {
  /** How the host's cgroups are mounted. */
  public enum Version { V2, V1, NONE }

  private static final Pattern SYSTEMD_POD = Pattern.compile("kubepods(?:-(burstable|besteffort))?-pod([0-9a-f_]+)\\.slice");
  private static final Pattern CGROUPFS_POD = Pattern.compile("pod([0-9a-f-]+)");
  private static final Pattern CONTAINER = Pattern.compile(
      "(?:(cri-containerd|crio|docker)-)?([0-9a-f]{64})(?:\\.scope)?");

  public record ContainerCgroup(String id, String runtime, Path dir) {}

  public record PodCgroup(String uid, String qos, Path dir, List<ContainerCgroup> containers) {}

  private final Path root;

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
  public List<PodCgroup> scan() throws IOException {
    List<PodCgroup> pods = new ArrayList<>();
    Path systemd = root.resolve("kubepods.slice");
    if (Files.isDirectory(systemd)) {
      scanSystemd(systemd, "guaranteed", pods);
      scanSystemd(systemd.resolve("kubepods-burstable.slice"), "burstable", pods);
      scanSystemd(systemd.resolve("kubepods-besteffort.slice"), "besteffort", pods);
    }
    Path cgroupfs = root.resolve("kubepods");
    if (Files.isDirectory(cgroupfs)) {
      scanCgroupfs(cgroupfs, "guaranteed", pods);
      scanCgroupfs(cgroupfs.resolve("burstable"), "burstable", pods);
      scanCgroupfs(cgroupfs.resolve("besteffort"), "besteffort", pods);
    }
    pods.sort(Comparator.comparing(PodCgroup::uid));
    return pods;
  }

  private static void scanSystemd(Path qosDir, String qos, List<PodCgroup> out) throws IOException {
    for (Path dir : children(qosDir)) {
      Matcher m = SYSTEMD_POD.matcher(dir.getFileName().toString());
      if (m.matches() && qos.equals(m.group(1) == null ? "guaranteed" : m.group(1))) {
        out.add(new PodCgroup(m.group(2).replace('_', '-'), qos, dir, containers(dir)));
      }
    }
  }

  private static void scanCgroupfs(Path qosDir, String qos, List<PodCgroup> out) throws IOException {
    for (Path dir : children(qosDir)) {
      Matcher m = CGROUPFS_POD.matcher(dir.getFileName().toString());
      if (m.matches()) {
        out.add(new PodCgroup(m.group(1), qos, dir, containers(dir)));
      }
    }
  }

  private static List<ContainerCgroup> containers(Path podDir) throws IOException {
    List<ContainerCgroup> out = new ArrayList<>();
    for (Path dir : children(podDir)) {
      Matcher m = CONTAINER.matcher(dir.getFileName().toString());
      if (m.matches()) {
        // a bare id (cgroupfs driver) does not say which runtime made it
        String runtime = m.group(1) == null ? "" : m.group(1).equals("cri-containerd") ? "containerd" : m.group(1);
        out.add(new ContainerCgroup(m.group(2), runtime, dir));
      }
    }
    out.sort(Comparator.comparing(ContainerCgroup::id));
    return out;
  }

  /** The entries, or none when the directory is gone (a pod deleted mid-scan is not an error). */
  private static List<Path> children(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    // no stat per entry: the names that matter (pod and container cgroups) are directories, and the many files
    // beside them (cpu.stat, memory.current, ...) never match the callers' patterns
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(out::add);
    } catch (NoSuchFileException e) {
      // removed between the check and the listing
    }
    return out;
  }
}
