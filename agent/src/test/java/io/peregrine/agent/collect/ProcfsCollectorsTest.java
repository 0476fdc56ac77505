package io.peregrine.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.peregrine.agent.testing.FakeProc;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcfsCollectorsTest {
  private static final double EPS = 1e-9;
  private static final long KIB = 1024;

  @TempDir Path dir;
  private FakeProc proc;
  private FakeProc sys;
  private HostPaths paths;
  private int invalid;

  @BeforeEach
  void setUp() {
    proc = new FakeProc(dir.resolve("proc"));
    sys = new FakeProc(dir.resolve("sys"));
    paths = new HostPaths(proc.root(), sys.root(), dir.resolve("root"));
  }

  private List<Sample> run(Collector c) throws Exception {
    List<Sample> out = new ArrayList<>();
    SampleEmitter emitter = new SampleEmitter("host1", 1_700_000_000L, 10, out::add);
    c.collect(emitter);
    invalid = emitter.invalid();
    return out;
  }

  private static Optional<Sample> find(List<Sample> samples, String metric, String tags) {
    return samples.stream().filter(s -> s.getMetric().equals(metric) && s.getTags().equals(tags)).findFirst();
  }

  private static double value(List<Sample> samples, String metric, String tags) {
    return find(samples, metric, tags).orElseThrow(() -> new AssertionError(metric + " [" + tags + "] missing in "
        + samples.stream().map(s -> s.getMetric() + "[" + s.getTags() + "]").toList())).getValue();
  }

  private static double value(List<Sample> samples, String metric) {
    return value(samples, metric, "");
  }

  @Test
  void cpuPercentagesComeFromTwoSnapshotsAndTheFirstOnlyPrimes() throws Exception {
    CpuCollector cpu = new CpuCollector(paths);
    proc.write("stat", "cpu  100 10 50 800 20 5 5 10 0 0\ncpu0 50 5 25 400 10 2 2 5 0 0\nintr 1 2 3\nctxt 1000\n");
    List<Sample> first = run(cpu);
    assertThat(first).extracting(Sample::getMetric).containsExactly("cpu.switches");
    assertThat(first.get(0).getCounterType()).isEqualTo(CounterType.COUNTER);
    assertThat(first.get(0).getValue()).isEqualTo(1000);

    // deltas: user 100 nice 10 system 50 idle 790 iowait 20 irq 5 softirq 5 steal 20 guest 50; total 1000
    proc.write("stat", "cpu  200 20 100 1590 40 10 10 30 50 0\nctxt 1500\n");
    List<Sample> second = run(cpu);
    assertThat(value(second, "cpu.idle")).isCloseTo(79.0, within(EPS));
    assertThat(value(second, "cpu.busy")).isCloseTo(21.0, within(EPS));
    assertThat(value(second, "cpu.user")).isCloseTo(10.0, within(EPS));
    assertThat(value(second, "cpu.nice")).isCloseTo(1.0, within(EPS));
    assertThat(value(second, "cpu.system")).isCloseTo(5.0, within(EPS));
    assertThat(value(second, "cpu.iowait")).isCloseTo(2.0, within(EPS));
    assertThat(value(second, "cpu.irq")).isCloseTo(0.5, within(EPS));
    assertThat(value(second, "cpu.softirq")).isCloseTo(0.5, within(EPS));
    assertThat(value(second, "cpu.steal")).isCloseTo(2.0, within(EPS));
    assertThat(value(second, "cpu.guest")).isCloseTo(5.0, within(EPS));
    assertThat(value(second, "cpu.switches")).isEqualTo(1500);
    assertThat(second).allSatisfy(s -> {
      assertThat(s.getEndpoint()).isEqualTo("host1");
      assertThat(s.getStep()).isEqualTo(10);
      assertThat(s.getTimestamp()).isEqualTo(1_700_000_000L);
    });
  }

  @Test
  void cpuSkipsAnIntervalWhoseCountersWentBackwards() throws Exception {
    CpuCollector cpu = new CpuCollector(paths);
    proc.write("stat", "cpu  200 20 100 1590 40 10 10 30 0 0\n");
    run(cpu);
    proc.write("stat", "cpu  100 10 50 800 20 5 5 10 0 0\n");
    assertThat(run(cpu)).noneMatch(s -> s.getMetric().equals("cpu.idle"));
  }

  @Test
  void memoryUsesMemAvailableWhenPresent() throws Exception {
    proc.write("meminfo", """
        MemTotal:       16000000 kB
        MemFree:         2000000 kB
        MemAvailable:    8000000 kB
        Buffers:          500000 kB
        Cached:          3000000 kB
        SwapTotal:       4000000 kB
        SwapFree:        3000000 kB
        HugePages_Total:       0
        """);
    List<Sample> s = run(new MemoryCollector(paths));
    assertThat(value(s, "mem.memtotal")).isEqualTo(16_000_000 * KIB);
    assertThat(value(s, "mem.memfree")).isEqualTo(8_000_000 * KIB);
    assertThat(value(s, "mem.memused")).isEqualTo(8_000_000 * KIB);
    assertThat(value(s, "mem.memused.percent")).isCloseTo(50.0, within(EPS));
    assertThat(value(s, "mem.memfree.percent")).isCloseTo(50.0, within(EPS));
    assertThat(value(s, "mem.swaptotal")).isEqualTo(4_000_000 * KIB);
    assertThat(value(s, "mem.swapused")).isEqualTo(1_000_000 * KIB);
    assertThat(value(s, "mem.swapfree")).isEqualTo(3_000_000 * KIB);
    assertThat(value(s, "mem.swapused.percent")).isCloseTo(25.0, within(EPS));
    assertThat(value(s, "mem.swapfree.percent")).isCloseTo(75.0, within(EPS));
  }

  @Test
  void memoryWithoutMemAvailableCountsBuffersAndCacheAsFreeAndNoSwapAsAllFree() throws Exception {
    proc.write("meminfo", "MemTotal: 10000 kB\nMemFree: 1000 kB\nBuffers: 500 kB\nCached: 2500 kB\n"
        + "SwapTotal: 0 kB\nSwapFree: 0 kB\n");
    List<Sample> s = run(new MemoryCollector(paths));
    assertThat(value(s, "mem.memfree")).isEqualTo(4000 * KIB);
    assertThat(value(s, "mem.memused")).isEqualTo(6000 * KIB);
    assertThat(value(s, "mem.memused.percent")).isCloseTo(60.0, within(EPS));
    assertThat(value(s, "mem.swapused.percent")).isEqualTo(0.0);
    assertThat(value(s, "mem.swapfree.percent")).isEqualTo(100.0);
  }

  @Test
  void loadReadsTheThreeAverages() throws Exception {
    proc.write("loadavg", "0.52 1.58 2.59 1/467 12345\n");
    List<Sample> s = run(new LoadCollector(paths));
    assertThat(value(s, "load.1min")).isEqualTo(0.52);
    assertThat(value(s, "load.5min")).isEqualTo(1.58);
    assertThat(value(s, "load.15min")).isEqualTo(2.59);
  }

  @Test
  void netDevReportsCountersPerInterfaceSkippingLoopbackAndPodVeths() throws Exception {
    proc.write("net/dev", """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo: 5000 50 0 0 0 0 0 0 5000 50 0 0 0 0 0 0
          eth0:1000 10 1 2 3 4 5 6 2000 20 7 8 9 10 11 12
        veth12ab: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0
        """);
    sys.write("class/net/eth0/speed", "1000\n");
    List<Sample> s = run(new NetDevCollector(paths));
    String eth0 = "iface=eth0";
    assertThat(s).allMatch(x -> x.getTags().equals(eth0));
    assertThat(value(s, "net.if.in.bytes", eth0)).isEqualTo(1000);
    assertThat(value(s, "net.if.in.packets", eth0)).isEqualTo(10);
    assertThat(value(s, "net.if.in.errors", eth0)).isEqualTo(1);
    assertThat(value(s, "net.if.in.dropped", eth0)).isEqualTo(2);
    assertThat(value(s, "net.if.in.multicast", eth0)).isEqualTo(6);
    assertThat(value(s, "net.if.out.bytes", eth0)).isEqualTo(2000);
    assertThat(value(s, "net.if.out.collisions", eth0)).isEqualTo(10);
    assertThat(value(s, "net.if.out.carrier.errs", eth0)).isEqualTo(11);
    assertThat(value(s, "net.if.total.bytes", eth0)).isEqualTo(3000);
    assertThat(value(s, "net.if.total.errors", eth0)).isEqualTo(8);
    assertThat(value(s, "net.if.in.bits", eth0)).isEqualTo(8000);
    assertThat(value(s, "net.if.speed.bits", eth0)).isEqualTo(1e9);
    assertThat(find(s, "net.if.in.bytes", eth0).orElseThrow().getCounterType()).isEqualTo(CounterType.COUNTER);
    assertThat(find(s, "net.if.speed.bits", eth0).orElseThrow().getCounterType()).isEqualTo(CounterType.GAUGE);
  }

  @Test
  void netDevPrefersTheHostInitsView() throws Exception {
    String header = "Inter-| Receive | Transmit\n face |bytes|bytes\n";
    proc.write("net/dev", header + "eth9: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n");
    proc.write("1/net/dev", header + "ens3: 7 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n");
    List<Sample> s = run(new NetDevCollector(paths));
    assertThat(value(s, "net.if.in.bytes", "iface=ens3")).isEqualTo(7);
    assertThat(find(s, "net.if.in.bytes", "iface=eth9")).isEmpty();
  }

  @Test
  void diskStatsReportsWholeDisksAndIostatGaugesFromTheSecondRound() throws Exception {
    AtomicLong nanos = new AtomicLong(1_000_000_000L);
    DiskStatsCollector disk = new DiskStatsCollector(paths, nanos::get);
    proc.write("diskstats", """
           7       0 loop0 10 0 20 0 0 0 0 0 0 0 0
           8       0 sda 100 10 2000 50 200 20 4000 150 3 500 700
           8       1 sda1 90 9 1800 45 190 19 3800 140 0 450 650
         259       0 nvme0n1 1 2 3 4 5 6 7 8 0 9 10 0 0 0 0
         259       1 nvme0n1p1 1 2 3 4 5 6 7 8 0 9 10 0 0 0 0
        """);
    List<Sample> first = run(disk);
    assertThat(first).extracting(Sample::getTags).containsOnly("device=sda", "device=nvme0n1");
    assertThat(value(first, "disk.io.read_requests", "device=sda")).isEqualTo(100);
    assertThat(value(first, "disk.io.write_sectors", "device=sda")).isEqualTo(4000);
    assertThat(value(first, "disk.io.msec_weighted_total", "device=sda")).isEqualTo(700);
    assertThat(find(first, "disk.io.read_requests", "device=sda").orElseThrow().getCounterType())
        .isEqualTo(CounterType.COUNTER);
    assertThat(find(first, "disk.io.ios_in_progress", "device=sda").orElseThrow().getCounterType())
        .isEqualTo(CounterType.GAUGE);
    assertThat(find(first, "disk.io.util", "device=sda")).isEmpty();

    nanos.addAndGet(10_000_000_000L); // 10 s later
    proc.write("diskstats", """
           8       0 sda 150 10 3000 150 250 20 6000 250 1 1500 2700
         259       0 nvme0n1 1 2 3 4 5 6 7 8 0 9 10 0 0 0 0
        """);
    List<Sample> second = run(disk);
    String sda = "device=sda";
    assertThat(value(second, "disk.io.read_bytes", sda)).isCloseTo(51_200, within(EPS));
    assertThat(value(second, "disk.io.write_bytes", sda)).isCloseTo(102_400, within(EPS));
    assertThat(value(second, "disk.io.avgrq_sz", sda)).isCloseTo(30, within(EPS));
    assertThat(value(second, "disk.io.avgqu-sz", sda)).isCloseTo(0.2, within(EPS));
    assertThat(value(second, "disk.io.await", sda)).isCloseTo(2, within(EPS));
    assertThat(value(second, "disk.io.svctm", sda)).isCloseTo(10, within(EPS));
    assertThat(value(second, "disk.io.util", sda)).isCloseTo(10, within(EPS));
    assertThat(value(second, "disk.io.util", "device=nvme0n1")).isEqualTo(0);
  }

  @Test
  void kernelReadsFileHandlesAndPidMax() throws Exception {
    proc.write("sys/fs/file-nr", "1024\t0\t100000\n").write("sys/fs/file-max", "100000\n")
        .write("sys/kernel/pid_max", "4194304\n");
    List<Sample> s = run(new KernelCollector(paths));
    assertThat(value(s, "kernel.maxfiles")).isEqualTo(100_000);
    assertThat(value(s, "kernel.files.allocated")).isEqualTo(1024);
    assertThat(value(s, "kernel.files.left")).isEqualTo(100_000 - 1024);
    assertThat(value(s, "kernel.maxproc")).isEqualTo(4_194_304);
  }

  @Test
  void dfReportsRealFilesystemsOncePerDeviceWithTotals() throws Exception {
    proc.write("mounts", """
        /dev/sda1 / ext4 rw,relatime 0 0
        proc /proc proc rw 0 0
        tmpfs /run tmpfs rw 0 0
        overlay /var/lib/docker/overlay2/x/merged overlay rw 0 0
        /dev/sda1 /var/lib/kubelet/pods/abc/volumes ext4 rw 0 0
        /dev/sdb1 /data\\040disk xfs rw 0 0
        /dev/sdc /tiny ext4 rw 0 0
        /dev/sdd /odd,name ext4 rw 0 0
        """);
    long gib = 1L << 30;
    Path root = paths.root();
    Map<Path, FsStats.Usage> usage = Map.of(
        root, new FsStats.Usage(100 * gib, 40 * gib, 50 * gib, 1000, 250),
        root.resolve("data disk"), new FsStats.Usage(10 * gib, 5 * gib, 5 * gib, 0, 0),
        root.resolve("tiny"), new FsStats.Usage(1000, 10, 990, 10, 5),
        root.resolve("odd,name"), new FsStats.Usage(gib, 0, gib, 10, 10));
    List<Sample> s = run(new DfCollector(paths, p -> {
      FsStats.Usage u = usage.get(p);
      if (u == null) {
        throw new java.io.IOException("not mounted: " + p);
      }
      return u;
    }));
    String rootTags = "fstype=ext4,mount=/";
    assertThat(value(s, "df.bytes.total", rootTags)).isEqualTo(100.0 * gib);
    assertThat(value(s, "df.bytes.used", rootTags)).isEqualTo(40.0 * gib);
    assertThat(value(s, "df.bytes.free", rootTags)).isEqualTo(50.0 * gib);
    assertThat(value(s, "df.bytes.used.percent", rootTags)).isCloseTo(400.0 / 9, within(1e-6));
    assertThat(value(s, "df.bytes.free.percent", rootTags)).isCloseTo(100 - 400.0 / 9, within(1e-6));
    assertThat(value(s, "df.inodes.used", rootTags)).isEqualTo(750);
    assertThat(value(s, "df.inodes.used.percent", rootTags)).isCloseTo(75.0, within(EPS));
    String data = "fstype=xfs,mount=/data disk";
    assertThat(value(s, "df.bytes.used.percent", data)).isCloseTo(50.0, within(EPS));
    assertThat(find(s, "df.inodes.total", data)).isEmpty();
    assertThat(s).extracting(Sample::getTags).doesNotContain("fstype=ext4,mount=/tiny",
        "fstype=ext4,mount=/var/lib/kubelet/pods/abc/volumes").noneMatch(t -> t.contains("proc")
        || t.contains("tmpfs") || t.contains("overlay"));
    // the mount point with ',' cannot be a tag value: its samples are skipped and counted, not sent to be rejected
    assertThat(invalid).isGreaterThan(0);
    assertThat(value(s, "df.statistics.total")).isEqualTo(111.0 * gib);
    assertThat(value(s, "df.statistics.used")).isEqualTo(45.0 * gib);
  }

  @Test
  void dfUnescapesOctalSequencesOfProcMounts() {
    assertThat(DfCollector.unescape("/mnt/a\\040b\\011c")).isEqualTo("/mnt/a b\tc");
    assertThat(DfCollector.unescape("/plain")).isEqualTo("/plain");
    assertThat(DfCollector.unescape("/trailing\\04")).isEqualTo("/trailing\\04");
  }
}
