package io.peregrine.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.peregrine.agent.testing.FakeProc;
import io.peregrine.agent.testing.Fixtures;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collectors beyond the first set, on a procfs tree captured from a 2-vCPU VM and on edited copies of it. */
class FullSetCollectorsTest {
  @TempDir Path dir;
  private HostPaths paths;
  private FakeProc proc;
  private FakeProc sys;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void setUp() {
    Fixtures.copy("vm-2cpu", dir);
    paths = new HostPaths(dir.resolve("proc"), dir.resolve("sys"), dir.resolve("root"));
    proc = new FakeProc(paths.proc());
    sys = new FakeProc(paths.sys());
  }

  private static List<Sample> run(Collector c) throws Exception {
    List<Sample> out = new ArrayList<>();
    c.collect(new SampleEmitter("host1", 1_700_000_000L, 10, out::add));
    return out;
  }

  private static Optional<Sample> find(List<Sample> samples, String metric, String tags) {
    return samples.stream().filter(s -> s.getMetric().equals(metric) && s.getTags().equals(tags)).findFirst();
  }

  private static Sample sample(List<Sample> samples, String metric, String tags) {
    return find(samples, metric, tags).orElseThrow(() -> new AssertionError(metric + " [" + tags + "] missing in "
        + samples.stream().map(s -> s.getMetric() + "[" + s.getTags() + "]").toList()));
  }

  private static double gauge(List<Sample> samples, String metric) {
    Sample s = sample(samples, metric, "");
    assertThat(s.getCounterType()).as(metric).isEqualTo(CounterType.GAUGE);
    return s.getValue();
  }

  private static double counter(List<Sample> samples, String metric) {
    Sample s = sample(samples, metric, "");
    assertThat(s.getCounterType()).as(metric).isEqualTo(CounterType.COUNTER);
    return s.getValue();
  }

  @Test
  void socketSummaryIsComputedLikeIproute2FromSockstatAndSnmp() throws Exception {
    List<Sample> out = run(new NetstatCollector(paths, new TcpTable(paths, nanos::get)));
    // sockstat: TCP inuse 11 orphan 0 tw 2 alloc 15; TCP6 inuse 3; snmp Tcp CurrEstab 3
    assertThat(gauge(out, "ss.estab")).isEqualTo(3);
    assertThat(gauge(out, "ss.timewait")).isEqualTo(2);
    assertThat(gauge(out, "ss.orphaned")).isZero();
    assertThat(gauge(out, "ss.closed")).isEqualTo(15 - (11 + 3 - 2));
    assertThat(gauge(out, "ss.synrecv")).isZero();
    assertThat(gauge(out, "sockstat.sockets.used")).isEqualTo(40);
    assertThat(gauge(out, "sockstat.tcp.inuse")).isEqualTo(11);
    assertThat(gauge(out, "sockstat.tcp6.inuse")).isEqualTo(3);
    assertThat(gauge(out, "sockstat.frag.memory")).isZero();
  }

  @Test
  void tcpExtAndUdpAreCountersAndKeysTheKernelDroppedAreNotSent() throws Exception {
    List<Sample> out = run(new NetstatCollector(paths, new TcpTable(paths, nanos::get)));
    assertThat(counter(out, "TcpExt.TW")).isEqualTo(308);
    assertThat(counter(out, "TcpExt.ListenOverflows")).isZero();
    assertThat(counter(out, "TcpExt.DelayedACKLocked")).isZero();
    assertThat(find(out, "TcpExt.TCPPrequeueDropped", "")).as("gone since Linux 4.14").isEmpty();
    assertThat(counter(out, "snmp.Udp.InDatagrams")).isEqualTo(49);
    assertThat(counter(out, "snmp.Udp.OutDatagrams")).isEqualTo(50);
    assertThat(out.stream().filter(s -> s.getMetric().startsWith("snmp.Udp."))).hasSize(6);
  }

  @Test
  void socketTablesGiveListeningPortsAndSynRecv() throws Exception {
    proc.write("net/tcp6", "  sl  local_address                         remote_address                        st\n"
        + "   0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 0:0\n"
        + "   1: 00000000000000000000000001000000:0050 0000000000000000FFFF00000100007F:C350 03 0:0\n");
    proc.write("net/udp", "  sl  local_address rem_address   st\n"
        + "   0: 00000000:0035 00000000:0000 07 00000000:00000000\n"
        + "   1: 0100007F:9C40 0100007F:0035 07 00000000:00000000\n"
        + " garbage line\n");
    TcpTable.Snapshot s = new TcpTable(paths, nanos::get).scan();
    assertThat(s.listens(6379)).as("redis in the captured tcp table").isTrue();
    assertThat(s.listens(3306)).isTrue();
    assertThat(s.listens(80)).as("tcp6 listener").isTrue();
    assertThat(s.listens(53)).as("unconnected udp socket").isTrue();
    assertThat(s.listens(0x9C40)).as("connected udp socket: a client, not a listener").isFalse();
    assertThat(s.listens(0xD21A)).as("a remote port").isFalse();
    assertThat(s.listens(8080)).isFalse();
    assertThat(s.synRecv()).isEqualTo(1);
  }

  @Test
  void aScanIsReusedWithinASecondThenReadAgain() throws Exception {
    TcpTable table = new TcpTable(paths, nanos::get);
    assertThat(table.scan().listens(80)).isFalse();
    proc.write("net/tcp", "  sl  local_address rem_address   st\n   0: 00000000:0050 00000000:0000 0A 0:0\n");
    assertThat(table.scan().listens(80)).as("same round").isFalse();
    nanos.addAndGet(TcpTable.REUSE_NANOS);
    assertThat(table.scan().listens(80)).isTrue();
  }

  @Test
  void pressureStallGivesAveragesAndTotalPerResource() throws Exception {
    List<Sample> out = run(new PressureCollector(paths));
    assertThat(gauge(out, "pressure.cpu.some.avg10")).isEqualTo(96.19);
    assertThat(gauge(out, "pressure.cpu.some.avg300")).isEqualTo(50.45);
    assertThat(counter(out, "pressure.cpu.some.total")).isEqualTo(291841490);
    assertThat(gauge(out, "pressure.cpu.full.avg60")).isZero();
    assertThat(out).extracting(Sample::getMetric).contains("pressure.memory.full.total", "pressure.io.some.avg10");
    assertThat(out).hasSize(3 * 2 * 4);
  }

  @Test
  void aKernelWithoutPressureOrConntrackSendsNothingForThem() throws Exception {
    Path bare = dir.resolve("bare");
    HostPaths old = new HostPaths(new FakeProc(bare.resolve("proc")).write("uptime", "12.5 20.0\n").root(),
        bare.resolve("sys"), bare);
    assertThat(run(new PressureCollector(old))).isEmpty();
    assertThat(run(new SystemCollector(old))).extracting(Sample::getMetric).containsExactly("system.uptime");
    assertThat(run(new VmstatCollector(old))).isEmpty();
    assertThat(run(new NetstatCollector(old, new TcpTable(old, nanos::get))))
        .extracting(Sample::getMetric).doesNotContain("ss.estab");
    assertThat(run(new CpuFreqCollector(old))).isEmpty();
  }

  @Test
  void vmstatUptimeConntrackAndBootTime() throws Exception {
    List<Sample> vm = run(new VmstatCollector(paths));
    assertThat(counter(vm, "vmstat.pgfault")).isEqualTo(10011631);
    assertThat(counter(vm, "vmstat.pgmajfault")).isEqualTo(1327);
    assertThat(counter(vm, "vmstat.oom_kill")).isZero();
    List<Sample> system = run(new SystemCollector(paths));
    assertThat(gauge(system, "system.uptime")).isEqualTo(946.58);
    assertThat(gauge(system, "conntrack.count")).isZero();
    assertThat(gauge(system, "conntrack.max")).isEqualTo(262144);
    assertThat(gauge(system, "conntrack.used.percent")).isZero();
    List<Sample> cpu = run(new CpuCollector(paths));
    assertThat(gauge(cpu, "system.boot_time")).isEqualTo(1796196472);
    assertThat(gauge(cpu, "system.procs.running")).isEqualTo(13);
    assertThat(gauge(cpu, "system.procs.blocked")).isZero();
    assertThat(counter(cpu, "system.forks")).isEqualTo(23274);
    List<Sample> kernel = run(new KernelCollector(paths));
    assertThat(gauge(kernel, "kernel.files.allocated")).isEqualTo(1648);
    assertThat(gauge(kernel, "kernel.files.left")).isEqualTo(2466097 - 1648);
  }

  @Test
  void cpuFrequencyFromCpuinfoWithoutCpufreqAndFromSysfsWithIt() throws Exception {
    List<Sample> vm = run(new CpuFreqCollector(paths));
    assertThat(gauge(vm, "cpu.frequency.avg")).isCloseTo(2596.136e6, within(1.0));
    sys.write("devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "1200000\n")
        .write("devices/system/cpu/cpu1/cpufreq/scaling_cur_freq", "3400000\n")
        .write("devices/system/cpu/cpufreq/policy0/scaling_cur_freq", "999\n");
    List<Sample> metal = run(new CpuFreqCollector(paths));
    assertThat(gauge(metal, "cpu.frequency.min")).isEqualTo(1.2e9);
    assertThat(gauge(metal, "cpu.frequency.max")).isEqualTo(3.4e9);
    assertThat(gauge(metal, "cpu.frequency.avg")).isEqualTo(2.3e9);
  }

  @Test
  void anInterfaceWithUnknownSpeedHasNoSpeedAndNoPercent() throws Exception {
    NetDevCollector net = new NetDevCollector(paths, nanos::get);
    run(net);
    nanos.addAndGet(10_000_000_000L);
    List<Sample> out = run(net);
    assertThat(find(out, "net.if.in.bytes", "iface=eth0")).isPresent();
    assertThat(out).extracting(Sample::getMetric)
        .doesNotContain("net.if.speed.bits", "net.if.in.percent", "net.if.out.percent");
  }

  private static String netDev(long eth0In, long eth0Out, boolean withEth1) {
    String header = "Inter-|   Receive                                                |  Transmit\n"
        + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls"
        + " carrier compressed\n";
    String eth0 = "  eth0: " + eth0In + " 10 0 0 0 0 0 0 " + eth0Out + " 10 0 0 0 0 0 0\n";
    String eth1 = withEth1 ? "  eth1: 1000 1 0 0 0 0 0 0 1000 1 0 0 0 0 0 0\n" : "";
    return header + eth0 + eth1;
  }

  @Test
  void linkPercentOverTheIntervalSkipsAWrappedCounterAndPrimesAReturningDevice() throws Exception {
    sys.write("class/net/eth0/speed", "1000\n").write("class/net/eth1/speed", "10000\n");
    NetDevCollector net = new NetDevCollector(paths, nanos::get);
    proc.write("net/dev", netDev(1_000_000, 5_000_000, true));
    assertThat(run(net)).extracting(Sample::getMetric).doesNotContain("net.if.in.percent");

    // 10 s later: eth0 took in 250 MB (200 Mbit/s of a 1000 Mbit/s link: 20 %), sent 12.5 MB (1 %)
    nanos.addAndGet(10_000_000_000L);
    proc.write("net/dev", netDev(251_000_000, 17_500_000, true));
    List<Sample> second = run(net);
    assertThat(sample(second, "net.if.in.percent", "iface=eth0").getValue()).isCloseTo(20.0, within(1e-9));
    assertThat(sample(second, "net.if.out.percent", "iface=eth0").getValue()).isCloseTo(1.0, within(1e-9));
    assertThat(sample(second, "net.if.in.percent", "iface=eth1").getValue()).isZero();
    assertThat(sample(second, "net.if.speed.bits", "iface=eth0").getValue()).isEqualTo(1e9);

    // the in counter wrapped (a 32-bit driver counter) and eth1 vanished
    nanos.addAndGet(10_000_000_000L);
    proc.write("net/dev", netDev(4_000, 18_000_000, false));
    List<Sample> third = run(net);
    assertThat(find(third, "net.if.in.percent", "iface=eth0")).as("wrapped interval").isEmpty();
    assertThat(find(third, "net.if.in.bytes", "iface=eth1")).isEmpty();
    assertThat(sample(third, "net.if.in.bytes", "iface=eth0").getValue()).isEqualTo(4_000);

    // eth0 measures again from the wrapped value; eth1 is back and is primed, not compared with its old numbers
    nanos.addAndGet(10_000_000_000L);
    proc.write("net/dev", netDev(125_004_000, 18_000_000, true));
    List<Sample> fourth = run(net);
    assertThat(sample(fourth, "net.if.in.percent", "iface=eth0").getValue()).isCloseTo(10.0, within(1e-9));
    assertThat(sample(fourth, "net.if.out.percent", "iface=eth0").getValue()).isZero();
    assertThat(find(fourth, "net.if.in.percent", "iface=eth1")).isEmpty();
    assertThat(find(fourth, "net.if.in.bytes", "iface=eth1")).isPresent();
  }

  @Test
  void everyCollectorRunsOnTheCapturedTree() throws Exception {
    List<Sample> all = new ArrayList<>();
    for (Collector c : Collectors.forHost(paths, new TcpTable(paths, nanos::get))) {
      if (!c.name().equals("df")) { // df needs statvfs of real mounts: DfCollector's own tests cover it
        all.addAll(run(c));
      }
    }
    assertThat(all).extracting(Sample::getMetric).contains("agent.alive", "cpu.switches", "load.1min",
        "mem.memtotal", "net.if.in.bytes", "disk.io.read_requests", "kernel.maxfiles", "ss.estab", "TcpExt.TW",
        "snmp.Udp.NoPorts", "pressure.io.full.total", "vmstat.pgfault", "system.uptime", "cpu.frequency.avg");
  }
}
