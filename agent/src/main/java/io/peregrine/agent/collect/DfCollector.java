package io.peregrine.agent.collect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * df.* per mounted filesystem [fstype=ext4,mount=/data] from the host's {@code /proc/1/mounts} and statvfs of the
 * mount point under hostRoot, plus the untagged totals df.statistics.total / used / used.percent.
 *
 * <p>Only real storage is reported: pseudo filesystems (proc, sysfs, tmpfs, overlay, cgroup, ...) are skipped, as are
 * filesystems under 1 MiB, and each device once (a Kubernetes node bind-mounts the same disk into every pod's
 * volumes; the first mount point listed wins). A mount whose statvfs fails (a dead NFS server, a mount point not
 * visible under hostRoot) is skipped for this round without failing the others.
 */
final class DfCollector implements Collector {
  private static final long MIN_BYTES = 1024 * 1024;
  private static final Set<String> PSEUDO = Set.of("proc", "sysfs", "tmpfs", "devtmpfs", "devpts", "cgroup",
      "cgroup2", "overlay", "squashfs", "nsfs", "mqueue", "debugfs", "tracefs", "securityfs", "pstore", "bpf",
      "configfs", "fusectl", "hugetlbfs", "autofs", "binfmt_misc", "rpc_pipefs", "selinuxfs", "efivarfs", "ramfs",
      "fuse.lxcfs", "nfsd", "shm", "iso9660", "aufs", "rootfs");
  /** Network and pooled filesystems whose device is not a /dev path. */
  private static final Set<String> DEVICELESS = Set.of("nfs", "nfs4", "cifs", "smb3", "zfs", "ceph", "glusterfs");

  private final HostPaths paths;
  private final FsStats stats;

  DfCollector(HostPaths paths, FsStats stats) {
    this.paths = paths;
    this.stats = stats;
  }

  @Override
  public String name() {
    return "df";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    List<String> mounts = paths.hostViewLines("mounts");
    Set<String> devices = new HashSet<>();
    long sumTotal = 0;
    long sumUsed = 0;
    long sumFree = 0;
    for (String line : mounts) {
      String[] f = Fields.split(line);
      if (f.length < 3) {
        continue;
      }
      String device = f[0];
      String mount = unescape(f[1]);
      String fstype = f[2];
      if (PSEUDO.contains(fstype) || !device.startsWith("/") && !DEVICELESS.contains(fstype)
          || !devices.add(device)) {
        continue;
      }
      FsStats.Usage u;
      try {
        u = stats.stat(under(mount));
      } catch (IOException e) {
        continue;
      }
      if (u.totalBytes() < MIN_BYTES) {
        continue;
      }
      String tags = "fstype=" + fstype + ",mount=" + mount;
      double usedPct = percent(u.usedBytes(), u.usedBytes() + u.freeBytes());
      out.gauge("df.bytes.total", tags, u.totalBytes());
      out.gauge("df.bytes.used", tags, u.usedBytes());
      out.gauge("df.bytes.free", tags, u.freeBytes());
      out.gauge("df.bytes.used.percent", tags, usedPct);
      out.gauge("df.bytes.free.percent", tags, 100.0 - usedPct);
      if (u.totalInodes() > 0) {
        long usedInodes = u.totalInodes() - u.freeInodes();
        double inodesPct = percent(usedInodes, u.totalInodes());
        out.gauge("df.inodes.total", tags, u.totalInodes());
        out.gauge("df.inodes.used", tags, usedInodes);
        out.gauge("df.inodes.free", tags, u.freeInodes());
        out.gauge("df.inodes.used.percent", tags, inodesPct);
        out.gauge("df.inodes.free.percent", tags, 100.0 - inodesPct);
      }
      sumTotal += u.totalBytes();
      sumUsed += u.usedBytes();
      sumFree += u.freeBytes();
    }
    out.gauge("df.statistics.total", "", sumTotal);
    out.gauge("df.statistics.used", "", sumUsed);
    out.gauge("df.statistics.used.percent", "", percent(sumUsed, sumUsed + sumFree));
  }

  /** df's Use%: used over what users can have (used + available), reserved blocks left out. */
  private static double percent(long part, long whole) {
    return whole <= 0 ? 0 : 100.0 * part / whole;
  }

  private Path under(String mount) {
    String relative = mount.startsWith("/") ? mount.substring(1) : mount;
    return relative.isEmpty() ? paths.root() : paths.root().resolve(relative);
  }

  /** /proc/mounts writes space, tab, newline and backslash in paths as octal escapes ({@code \040}). */
  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
