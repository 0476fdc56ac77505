package io.peregrine.agent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.agent.collect.Collector;
import io.peregrine.agent.collect.HostPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerConfigTest {
  private static ContainerConfig with(String kubeletUrl, String cgroupRoot, List<String> labels) {
    ContainerConfig d = ContainerConfig.defaults();
    return new ContainerConfig(true, cgroupRoot, kubeletUrl, d.tokenFile(), d.caFile(), false, d.podsCacheTtl(),
        labels, d.maxContainers(), true, d.scrapeTimeout(), d.scrapeSampleLimit(), d.scrapeMaxBytes(),
        d.scrapeMaxTargets(), "");
  }

  @Test
  void limitsAreEnforcedWithClearErrors() {
    assertThatThrownBy(() -> with("ftp://node:10250", "", List.of()))
        .hasMessageContaining("agent.containers.kubeletUrl must start with https://");
    assertThatThrownBy(() -> with("", "", List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")))
        .hasMessageContaining("at most 8 labels");
    assertThat(ContainerConfig.defaults().scrapeTimeoutWithin(Duration.ofSeconds(10))).hasSeconds(3);
    assertThat(ContainerConfig.defaults().scrapeTimeoutWithin(Duration.ofSeconds(2))).hasSeconds(1);
  }

  @Test
  void theCollectorsFollowTheHost(@TempDir Path dir) throws Exception {
    HostPaths paths = new HostPaths(dir.resolve("proc"), dir.resolve("sys"), dir);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Path v1 = TestKubelet.resource("/cgroup/v1/sys/fs/cgroup");
    Path v2 = TestKubelet.resource("/cgroup/cgroupfs-crio/sys/fs/cgroup");
    // no kubelet (no NODE_NAME, no token): no scraper; cgroup v1: the container collector too, with a log line
    assertThat(ContainerCollectors.create(with("", v1.toString(), List.of()), paths, "n", Duration.ofSeconds(10),
        s -> true, Clock.systemUTC(), Map.of(), registry)).extracting(Collector::name).containsExactly("container");
    // no cgroup hierarchy at all: nothing
    assertThat(ContainerCollectors.create(with("", dir.resolve("none").toString(), List.of()), paths, "n",
        Duration.ofSeconds(10), s -> true, Clock.systemUTC(), Map.of(), registry)).isEmpty();
    List<Collector> onV2 = ContainerCollectors.create(with("", v2.toString(), List.of()), paths, "n",
        Duration.ofSeconds(10), s -> true, Clock.systemUTC(), Map.of(), registry);
    assertThat(onV2).extracting(Collector::name).containsExactly("container");
    // a kubelet URL and a CA: the scraper too
    Files.writeString(dir.resolve("token"), "t");
    ContainerConfig d = ContainerConfig.defaults();
    ContainerConfig kube = new ContainerConfig(true, v2.toString(), "https://127.0.0.1:10250",
        dir.resolve("token").toString(), TestKubelet.resource("/kubelet/ca.crt").toString(), false, d.podsCacheTtl(),
        List.of(), 10, true, d.scrapeTimeout(), 100, 4096, 5, "");
    assertThat(ContainerCollectors.create(kube, paths, "n", Duration.ofSeconds(10), s -> true, Clock.systemUTC(),
        Map.of(), registry)).extracting(Collector::name).containsExactly("container", "scrape");
  }

  @Test
  void theFixtureWriterMakesATreeTheScannerReads(@TempDir Path dir) throws Exception {
    FixtureCgroups.write(dir, 5, "1");
    assertThat(new CgroupTree(dir).scan()).hasSize(5).allSatisfy(p -> assertThat(p.containers()).hasSize(1));
  }
}
