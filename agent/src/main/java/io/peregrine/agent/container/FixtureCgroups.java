package io.peregrine.agent.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a kubelet-style cgroup v2 tree (systemd driver, containerd naming, Burstable pods) with one container per
 * pod, for benchmarks: {@code java -cp ... io.peregrine.agent.container.FixtureCgroups DIR COUNT [PID]} then point
 * {@code agent.containers.cgroupRoot} at DIR. Each container's {@code cgroup.procs} lists PID (default 1), whose
 * {@code net/dev} the pod network metrics read.
 */
public final class FixtureCgroups {
  private static final Logger log = LoggerFactory.getLogger(FixtureCgroups.class);

  private FixtureCgroups() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: FixtureCgroups DIR COUNT [PID]");
    }
    Path root = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    write(root, count, args.length > 2 ? args[2] : "1");
    log.info("fixture cgroups: wrote {} pods with one container each under {}", count, root);
  }

  public static void write(Path root, int count, String pid) throws IOException {
    Files.createDirectories(root);
    Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
    Path qos = root.resolve("kubepods.slice/kubepods-burstable.slice");
    Files.createDirectories(qos);
    // what the kernel counts under kubepods.slice: the QoS slice, the pods and their containers
    Files.writeString(root.resolve("kubepods.slice/cgroup.stat"), "nr_descendants " + (1 + 2 * count)
        + "\nnr_dying_descendants 0\n");
    for (int i = 0; i < count; i++) {
      String uid = String.format(Locale.ROOT, "%08x_0000_4000_8000_%012x", i, i);
      Path pod = qos.resolve("kubepods-burstable-pod" + uid + ".slice");
      String id = String.format(Locale.ROOT, "%064x", i + 1);
      Path container = pod.resolve("cri-containerd-" + id + ".scope");
      cgroup(pod, i, "");
      cgroup(container, i, pid + "\n");
    }
  }

  private static void cgroup(Path dir, int i, String procs) throws IOException {
    Files.createDirectories(dir);
    long usage = 1_000_000L * (i + 1);
    long mem = 16L * 1024 * 1024 * (1 + i % 8);
    Files.writeString(dir.resolve("cpu.stat"), "usage_usec " + usage + "\nuser_usec " + usage / 2 + "\nsystem_usec "
        + usage / 2 + "\nnr_periods 1000\nnr_throttled " + i + "\nthrottled_usec " + 1000 * i
        + "\nnr_bursts 0\nburst_usec 0\n");
    Files.writeString(dir.resolve("memory.current"), mem + "\n");
    Files.writeString(dir.resolve("memory.max"), (i % 3 == 0 ? "max" : String.valueOf(4 * mem)) + "\n");
    Files.writeString(dir.resolve("memory.stat"), "anon " + mem / 2 + "\nfile " + mem / 2 + "\nkernel 204800\n"
        + "kernel_stack 32768\npagetables 16384\nsock 0\nshmem 0\nfile_mapped 4096\nfile_dirty 0\n"
        + "file_writeback 0\nswapcached 0\ninactive_anon 0\nactive_anon " + mem / 2 + "\ninactive_file " + mem / 4
        + "\nactive_file " + mem / 4 + "\nunevictable 0\nslab_reclaimable 65536\nslab_unreclaimable 32768\n"
        + "pgfault 1200\npgmajfault 3\n");
    Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
    Files.writeString(dir.resolve("io.stat"), "8:0 rbytes=1048576 wbytes=2097152 rios=256 wios=512 dbytes=0 dios=0\n");
    Files.writeString(dir.resolve("pids.current"), (1 + i % 5) + "\n");
    for (String r : new String[] {"cpu", "memory", "io"}) {
      Files.writeString(dir.resolve(r + ".pressure"), "some avg10=0.50 avg60=0.20 avg300=0.10 total=12345\n"
          + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
    }
    Files.writeString(dir.resolve("cgroup.procs"), procs);
  }
}
