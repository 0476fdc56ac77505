package io.peregrine.agent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.agent.collect.SampleEmitter;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerCollectorTest {
  private static final String WEB = "a1".repeat(32);
  private static final String SANDBOX = "5a".repeat(32);
  private static final String DNS = "b2".repeat(32);
  private static final String WEB_TAGS = "app=web,container=web,namespace=shop,node=node-1,pod=web-7d9f8c6b5-x2kqp";
  private static final String WEB_POD = "app=web,namespace=shop,node=node-1,pod=web-7d9f8c6b5-x2kqp";

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
  private TestKubelet kubelet;
  private Path root;

  @BeforeEach
  void setUp() throws Exception {
    kubelet = new TestKubelet();
    kubelet.body.set(TestKubelet.fixturePods());
    Files.writeString(dir.resolve("token"), TestKubelet.TOKEN);
    root = dir.resolve("node");
    copy(TestKubelet.resource("/cgroup/systemd-containerd"), root);
  }

  @AfterEach
  void stop() {
    kubelet.close();
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private KubeletPods kubeletPods() throws Exception {
    return new KubeletPods(kubelet.url(), dir.resolve("token"),
        KubeletPods.trusting(TestKubelet.resource("/kubelet/ca.crt")), Duration.ofSeconds(30), nanos::get);
  }

  private ContainerCollector collector(KubeletPods pods, int max) {
    return new ContainerCollector(new CgroupTree(root.resolve("sys/fs/cgroup")), new PodNetwork(root.resolve("proc")),
        pods, "node-1", List.of("app", "team"), max, nanos::get, registry);
  }

  private static List<Sample> run(ContainerCollector c) throws Exception {
    List<Sample> out = new ArrayList<>();
    SampleEmitter emitter = new SampleEmitter("node-1", 1_700_000_000L, 10, out::add);
    c.collect(emitter);
    assertThat(emitter.invalid()).isZero();
    return out;
  }

  private static Optional<Sample> find(List<Sample> samples, String metric, String tags) {
    return samples.stream().filter(s -> s.getMetric().equals(metric) && s.getTags().equals(tags)).findFirst();
  }

  private static double value(List<Sample> samples, String metric, String tags) {
    return find(samples, metric, tags).orElseThrow(() -> new AssertionError(metric + " {" + tags + "} not in "
        + samples.stream().map(s -> s.getMetric() + "{" + s.getTags() + "}").sorted().toList())).getValue();
  }

  private double dropped(String reason) {
    return registry.get("agent_containers_dropped").tag("reason", reason).counter().count();
  }

  @Test
  void containerAndPodMetricsTaggedFromTheKubelet() throws Exception {
    List<Sample> s = run(collector(kubeletPods(), 500));

    assertThat(value(s, "container.mem.usage", WEB_TAGS)).isEqualTo(60 * 1024 * 1024);
    assertThat(value(s, "container.mem.working_set", WEB_TAGS)).isEqualTo(52 * 1024 * 1024);
    assertThat(value(s, "container.mem.limit", WEB_TAGS)).isEqualTo(256 * 1024 * 1024);
    assertThat(value(s, "container.mem.working_set.percent", WEB_TAGS)).isCloseTo(20.3125, within(1e-9));
    assertThat(value(s, "container.mem.rss", WEB_TAGS)).isEqualTo(30 * 1024 * 1024);
    assertThat(value(s, "container.cpu.usage.seconds", WEB_TAGS)).isEqualTo(8.8);
    assertThat(value(s, "container.cpu.throttled.periods", WEB_TAGS)).isEqualTo(7);
    assertThat(value(s, "container.cpu.throttled.seconds", WEB_TAGS)).isEqualTo(0.35);
    assertThat(value(s, "container.io.read.bytes", WEB_TAGS)).isEqualTo(1_048_576 + 4096); // two devices summed
    assertThat(value(s, "container.io.write.ops", WEB_TAGS)).isEqualTo(512);
    assertThat(value(s, "container.pids", WEB_TAGS)).isEqualTo(12);
    assertThat(value(s, "container.pressure.cpu.some.avg10", WEB_TAGS)).isEqualTo(1.5);
    assertThat(value(s, "container.pressure.io.full.avg10", WEB_TAGS)).isEqualTo(0.1);
    assertThat(s).noneMatch(x -> x.getMetric().endsWith(".total"));
    assertThat(value(s, "pod.mem.usage", WEB_POD)).isEqualTo(64 * 1024 * 1024);
    // the label "team" holds a ',' and cannot be a tag: left out and counted
    assertThat(dropped("label_invalid")).isEqualTo(2); // the pod and its container (the sandbox is not reported)
    // the guaranteed pod's OOM kill, labels not whitelisted
    String dns = "container=coredns,namespace=kube-system,node=node-1,pod=coredns-5d78c9869d-4hl8w";
    assertThat(value(s, "container.mem.oom_kill", dns)).isEqualTo(2);
    // no limit ("max"): no limit metric
    assertThat(s).noneMatch(x -> x.getMetric().equals("container.mem.limit") && x.getTags().contains(SANDBOX
        .substring(0, 12)));
    // the first round has no CPU percentages: they need two readings
    assertThat(s).noneMatch(x -> x.getMetric().endsWith(".percent") && x.getMetric().contains("cpu"));
    assertThat(value(s, "container.count", "node=node-1")).isEqualTo(3);
  }

  @Test
  void missingMetadataGivesContainerIdTagsNotACrash() throws Exception {
    // the kubelet does not list the besteffort pod; and without a kubelet nothing has names
    List<Sample> s = run(collector(kubeletPods(), 500));

    // the web pod's sandbox: a pod the kubelet lists, a container id it does not: the pod's metrics have it
    assertThat(s).noneMatch(x -> x.getTags().contains(SANDBOX.substring(0, 12)));
    assertThat(value(s, "pod.mem.usage", WEB_POD)).isEqualTo(64 * 1024 * 1024);
    String unknownPod = "node=node-1,pod_uid=99999999-8888-4777-a666-555555555555";
    assertThat(value(s, "pod.mem.usage", unknownPod)).isEqualTo(4 * 1024 * 1024);
    assertThat(value(s, "container.mem.usage", "container_id=" + "c3".repeat(6) + "," + unknownPod))
        .isEqualTo(4 * 1024 * 1024);
    // the sandbox and the unknown pod's container: one early refresh, then remembered, not asked every round
    run(collector(kubeletPods(), 500));
    assertThat(kubelet.requests).hasValue(2);
  }

  @Test
  void containersTheKubeletNeverListsDoNotRefreshEveryRound() throws Exception {
    ContainerCollector c = collector(kubeletPods(), 500);
    run(c); // the first answer; the sandbox and the unknown pod's container are misses, too soon to refresh
    nanos.addAndGet(Duration.ofSeconds(11).toNanos());
    run(c); // the same misses again: remembered, so no early refresh within the 30 s TTL
    assertThat(kubelet.requests).hasValue(1);

    String fresh = "c4".repeat(32);
    copy(root.resolve("sys/fs/cgroup/kubepods.slice/kubepods-pod7f3d2e1c_0b9a_4876_a543_210fedcba987.slice/"
        + "cri-containerd-" + DNS + ".scope"), root.resolve("sys/fs/cgroup/kubepods.slice/"
        + "kubepods-pod7f3d2e1c_0b9a_4876_a543_210fedcba987.slice/cri-containerd-" + fresh + ".scope"));
    nanos.addAndGet(Duration.ofSeconds(11).toNanos());
    run(c); // a new container: one early refresh
    assertThat(kubelet.requests).hasValue(2);
  }

  @Test
  void withoutAKubeletEverythingIsTaggedByIds() throws Exception {
    List<Sample> s = run(collector(null, 500));

    assertThat(value(s, "container.mem.usage",
        "container_id=" + WEB.substring(0, 12) + ",node=node-1,pod_uid=0c9e2f6a-1d3b-4c5e-9f70-81a2b3c4d5e6"))
        .isEqualTo(60 * 1024 * 1024);
    assertThat(value(s, "pod.mem.usage", "node=node-1,pod_uid=99999999-8888-4777-a666-555555555555"))
        .isEqualTo(4 * 1024 * 1024);
  }

  @Test
  void podNetworkFromAProcessOfThePod() throws Exception {
    List<Sample> s = run(collector(kubeletPods(), 500));

    assertThat(value(s, "pod.net.in.bytes", WEB_POD)).isEqualTo(123456); // lo left out
    assertThat(value(s, "pod.net.out.bytes", WEB_POD)).isEqualTo(654321);
    assertThat(value(s, "pod.net.out.dropped", WEB_POD)).isEqualTo(3);
    assertThat(find(s, "pod.net.in.bytes", WEB_POD).orElseThrow().getCounterType()).isEqualTo(CounterType.COUNTER);
  }

  @Test
  void cpuPercentagesFromTwoRoundsAndContainersComingAndGoing() throws Exception {
    ContainerCollector c = collector(kubeletPods(), 500);
    run(c);
    Path pod = root.resolve("sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/"
        + "kubepods-burstable-pod0c9e2f6a_1d3b_4c5e_9f70_81a2b3c4d5e6.slice");
    Path web = pod.resolve("cri-containerd-" + WEB + ".scope");
    // 10 s later: 2.5 s more CPU (25% of a core), 50 more periods of which 10 throttled
    Files.writeString(web.resolve("cpu.stat"), "usage_usec 11300000\nuser_usec 7866666\nsystem_usec 3433334\n"
        + "nr_periods 150\nnr_throttled 17\nthrottled_usec 400000\n");
    // the DNS pod goes away; a new container starts in the web pod
    deleteTree(root.resolve("sys/fs/cgroup/kubepods.slice/kubepods-pod7f3d2e1c_0b9a_4876_a543_210fedcba987.slice"));
    String fresh = "c4".repeat(32);
    copy(web, pod.resolve("cri-containerd-" + fresh + ".scope"));
    nanos.addAndGet(Duration.ofSeconds(10).toNanos());

    List<Sample> s = run(c);

    assertThat(value(s, "container.cpu.usage.percent", WEB_TAGS)).isCloseTo(25.0, within(1e-9));
    assertThat(value(s, "container.cpu.throttled.percent", WEB_TAGS)).isCloseTo(20.0, within(1e-9));
    assertThat(s).noneMatch(x -> x.getTags().contains("coredns"));
    // the new container: not reported while the kubelet does not list it, then by its name
    assertThat(s).noneMatch(x -> x.getTags().contains("c4c4c4"));
    kubelet.body.set(TestKubelet.fixturePods().replace("\"containerStatuses\": [{\"name\": \"web\"",
        "\"containerStatuses\": [{\"name\": \"sidecar\", \"containerID\": \"containerd://" + fresh
        + "\"}, {\"name\": \"web\""));
    nanos.addAndGet(Duration.ofSeconds(31).toNanos());
    s = run(c);
    String freshTags = WEB_POD.replace(",namespace", ",container=sidecar,namespace");
    assertThat(value(s, "container.mem.usage", freshTags)).isEqualTo(60 * 1024 * 1024);
    assertThat(value(s, "container.cpu.usage.percent", WEB_TAGS)).isZero(); // no CPU used since the last round
    assertThat(s).noneMatch(x -> x.getMetric().equals("container.cpu.usage.percent") && x.getTags().equals(
        freshTags)); // its first reading
  }

  @Test
  void theContainerCapDropsAndCounts() throws Exception {
    List<Sample> s = run(collector(null, 2));

    assertThat(value(s, "container.count", "node=node-1")).isEqualTo(2);
    assertThat(dropped("max_containers")).isEqualTo(2);
  }

  @Test
  void theKubeletDownStillGivesMetrics() throws Exception {
    kubelet.close();
    List<Sample> s = run(collector(kubeletPods(), 500));

    assertThat(value(s, "container.count", "node=node-1")).isEqualTo(4);
    assertThat(registry.get("agent_kubelet_failures").counter().count()).isEqualTo(1);
  }

  private static String sorted(String tags) {
    return String.join(",", Stream.of(tags.split(",")).sorted().toList());
  }

  private static void deleteTree(Path p) throws Exception {
    try (Stream<Path> files = Files.walk(p)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
