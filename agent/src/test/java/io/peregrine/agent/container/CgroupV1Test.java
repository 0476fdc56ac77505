package io.peregrine.agent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.agent.collect.SampleEmitter;
import io.peregrine.proto.v1.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The container collector on cgroup v1 trees whose files were captured from a real kernel
 * ({@code agent/src/test/fixtures/capture-cgroups.sh}): the expectations are computed from the captured files, so a
 * new capture keeps the test meaningful.
 */
class CgroupV1Test {
  private static final String ID = "ca".repeat(32);
  private static final String UID = "0c9e2f6a-1d3b-4c5e-9f70-81a2b3c4d5e6";
  private static final String CONTAINER = "container_id=" + ID.substring(0, 12) + ",node=node-1,pod_uid=" + UID;
  private static final String POD = "node=node-1,pod_uid=" + UID;

  private static Path containerDir(Path cgroup, String controller, String layout) {
    Path base = cgroup.resolve(controller);
    return layout.equals("cgroupfs") ? base.resolve("kubepods/burstable/pod" + UID + "/" + ID)
        : base.resolve("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID.replace('-', '_')
            + ".slice/cri-containerd-" + ID + ".scope");
  }

  private static long number(Path file) throws Exception {
    return Long.parseLong(Files.readString(file).trim());
  }

  private static Map<String, Long> keyed(Path file) throws Exception {
    return Files.readAllLines(file).stream().map(l -> l.split(" ")).filter(f -> f.length == 2)
        .collect(Collectors.toMap(f -> f[0], f -> Long.parseLong(f[1])));
  }

  private static Map<String, Double> run(ContainerCollector c) throws Exception {
    List<Sample> out = new ArrayList<>();
    SampleEmitter emitter = new SampleEmitter("node-1", 1_700_000_000L, 10, out::add);
    c.collect(emitter);
    assertThat(emitter.invalid()).isZero();
    return out.stream().collect(Collectors.toMap(s -> s.getMetric() + "{" + s.getTags() + "}", Sample::getValue));
  }

  @ParameterizedTest
  @ValueSource(strings = {"cgroupfs", "systemd"})
  void capturedV1FilesGiveTheV2Names(String layout) throws Exception {
    Path root = TestKubelet.resource("/cgroup/v1-" + layout + "-captured");
    Path cgroup = root.resolve("sys/fs/cgroup");
    CgroupTree tree = new CgroupTree(cgroup);
    assertThat(tree.version()).isEqualTo(CgroupTree.Version.V1);
    String pid;
    try (Stream<Path> procs = Files.list(root.resolve("proc"))) {
      pid = procs.findFirst().orElseThrow().getFileName().toString();
    }
    AtomicLong nanos = new AtomicLong(1_000_000_000L);
    ContainerCollector collector = new ContainerCollector(tree, new PodNetwork(root.resolve("proc")), null,
        "node-1", List.of(), 100, nanos::get, new SimpleMeterRegistry());

    Map<String, Double> s = run(collector);

    Path mem = containerDir(cgroup, "memory", layout);
    Map<String, Long> stat = keyed(mem.resolve("memory.stat"));
    long usage = number(mem.resolve("memory.usage_in_bytes"));
    assertThat(s.get("container.mem.usage{" + CONTAINER + "}")).isEqualTo(usage);
    assertThat(s.get("container.mem.working_set{" + CONTAINER + "}"))
        .isEqualTo(Math.max(0, usage - stat.get("total_inactive_file")));
    assertThat(s.get("container.mem.rss{" + CONTAINER + "}")).isEqualTo(stat.get("total_rss").doubleValue());
    assertThat(s.get("container.mem.oom_kill{" + CONTAINER + "}"))
        .isEqualTo(keyed(mem.resolve("memory.oom_control")).get("oom_kill").doubleValue());
    // 9223372036854771712 is the kernel's "no limit": no limit metric, as for "max" on v2
    assertThat(number(mem.resolve("memory.limit_in_bytes"))).isGreaterThan(1L << 62);
    assertThat(s).doesNotContainKey("container.mem.limit{" + CONTAINER + "}");
    long usageNs = number(containerDir(cgroup, "cpuacct", layout).resolve("cpuacct.usage"));
    assertThat(s.get("container.cpu.usage.seconds{" + CONTAINER + "}")).isCloseTo(usageNs / 1e9, within(1e-6));
    assertThat(s.get("container.cpu.throttled.periods{" + CONTAINER + "}"))
        .isEqualTo(keyed(containerDir(cgroup, "cpu", layout).resolve("cpu.stat")).get("nr_throttled").doubleValue());
    assertThat(s).containsKey("container.io.read.bytes{" + CONTAINER + "}");
    assertThat(s).containsKey("pod.mem.usage{" + POD + "}");
    assertThat(s.keySet()).noneMatch(k -> k.contains(".pressure."));
    assertThat(s.get("container.count{node=node-1}")).isEqualTo(1);
    // the pod's network: the captured net/dev of the process its container lists, loopback left out
    long eth = Files.readAllLines(root.resolve("proc/" + pid + "/net/dev")).stream().skip(2)
        .filter(l -> !l.trim().startsWith("lo:")).mapToLong(l -> Long.parseLong(l.split(":")[1].trim()
            .split(" +")[0])).sum();
    assertThat(s.get("pod.net.in.bytes{" + POD + "}")).isEqualTo(eth);

    // a second round 10 s later gives the percentages from cpuacct (unchanged files: 0%)
    nanos.addAndGet(10_000_000_000L);
    Map<String, Double> second = run(collector);
    assertThat(second.get("container.cpu.usage.percent{" + CONTAINER + "}")).isZero();
    assertThat(second.get("container.cpu.user.percent{" + CONTAINER + "}")).isZero();
  }
}
