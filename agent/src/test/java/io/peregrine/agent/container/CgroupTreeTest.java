package io.peregrine.agent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupTreeTest {
  static CgroupTree fixture(String name) throws Exception {
    return new CgroupTree(TestKubelet.resource("/cgroup/" + name + "/sys/fs/cgroup"));
  }

  @Test
  void systemdDriverWithContainerd() throws Exception {
    CgroupTree tree = fixture("systemd-containerd");
    assertThat(tree.version()).isEqualTo(CgroupTree.Version.V2);

    List<CgroupTree.PodCgroup> pods = tree.scan();

    assertThat(pods).extracting(CgroupTree.PodCgroup::uid).containsExactly("0c9e2f6a-1d3b-4c5e-9f70-81a2b3c4d5e6",
        "7f3d2e1c-0b9a-4876-a543-210fedcba987", "99999999-8888-4777-a666-555555555555");
    assertThat(pods).extracting(CgroupTree.PodCgroup::qos).containsExactly("burstable", "guaranteed", "besteffort");
    assertThat(pods.get(0).containers()).extracting(CgroupTree.ContainerCgroup::id)
        .containsExactly("5a".repeat(32), "a1".repeat(32)); // the sandbox and the app container, by id
    assertThat(pods.get(0).containers()).extracting(CgroupTree.ContainerCgroup::runtime)
        .containsOnly("containerd");
  }

  @Test
  void cgroupfsDriverWithCrioSkipsConmon() throws Exception {
    List<CgroupTree.PodCgroup> pods = fixture("cgroupfs-crio").scan();

    assertThat(pods).extracting(CgroupTree.PodCgroup::qos).containsExactly("burstable", "guaranteed");
    assertThat(pods.get(0).containers()).singleElement().satisfies(c -> {
      assertThat(c.id()).isEqualTo("a1".repeat(32));
      assertThat(c.runtime()).isEqualTo("crio");
    });
  }

  @Test
  void crioUnderSystemdAndBareIdsUnderCgroupfs(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("cgroup.controllers"), "cpu memory\n");
    Path pod = dir.resolve("kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podab_cd.slice");
    Files.createDirectories(pod.resolve("crio-" + "e".repeat(64) + ".scope"));
    Files.createDirectories(pod.resolve("crio-conmon-" + "e".repeat(64) + ".scope"));
    Files.createDirectories(dir.resolve("kubepods/besteffort/podab-cd/" + "f".repeat(64)));
    Files.createDirectories(dir.resolve("kubepods/besteffort/not-a-pod"));

    List<CgroupTree.PodCgroup> pods = new CgroupTree(dir).scan();

    assertThat(pods).hasSize(2).allSatisfy(p -> assertThat(p.uid()).isEqualTo("ab-cd"));
    assertThat(pods).flatExtracting(CgroupTree.PodCgroup::containers).extracting(CgroupTree.ContainerCgroup::runtime)
        .containsExactlyInAnyOrder("crio", "");
  }

  @Test
  void cgroupV1AndNothingAreTold(@TempDir Path dir) throws Exception {
    assertThat(fixture("v1").version()).isEqualTo(CgroupTree.Version.V1);
    assertThat(new CgroupTree(dir).version()).isEqualTo(CgroupTree.Version.NONE);
    assertThat(new CgroupTree(dir.resolve("missing")).scan()).isEmpty();
  }

  @Test
  void onCgroupV2TheLastScanStandsWhileKubepodsCountsTheSameCgroups(@TempDir Path dir) throws Exception {
    FixtureCgroups.write(dir, 2, "1"); // kubepods.slice/cgroup.stat: nr_descendants 5
    CgroupTree tree = new CgroupTree(dir);
    List<CgroupTree.PodCgroup> first = tree.scan();
    assertThat(first).hasSize(2);
    Path pod = first.get(0).dir();
    Files.createDirectories(pod.resolve("cri-containerd-" + "d".repeat(64) + ".scope"));

    assertThat(tree.scan()).isSameAs(first); // the count did not move: nothing listed
    tree.invalidate(); // as the collector does when a cgroup of the last scan vanished
    assertThat(tree.scan().get(0).containers()).hasSize(2);

    Files.createDirectories(pod.resolve("cri-containerd-" + "e".repeat(64) + ".scope"));
    Files.writeString(dir.resolve("kubepods.slice/cgroup.stat"), "nr_descendants 7\nnr_dying_descendants 0\n");
    assertThat(tree.scan().get(0).containers()).hasSize(3);
  }

  @Test
  void theFilesOfACgroupNoLongerFoundAreClosed(@TempDir Path dir) throws Exception {
    FixtureCgroups.write(dir, 2, "1");
    CgroupTree tree = new CgroupTree(dir);
    CgroupFileReader reader = new CgroupFileReader();
    CgroupStats stats = new CgroupStats();
    for (CgroupTree.PodCgroup pod : tree.scan()) {
      pod.files().read(reader, stats, true);
      pod.containers().get(0).files().read(reader, stats, true);
    }
    assertThat(reader.held()).isEqualTo(40); // 10 files a cgroup, kept open

    CgroupTree.PodCgroup gone = tree.scan().get(1);
    try (Stream<Path> files = Files.walk(gone.dir())) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Files.writeString(dir.resolve("kubepods.slice/cgroup.stat"), "nr_descendants 3\nnr_dying_descendants 0\n");
    assertThat(tree.scan()).hasSize(1);
    assertThat(reader.held()).isEqualTo(20);
  }
}
