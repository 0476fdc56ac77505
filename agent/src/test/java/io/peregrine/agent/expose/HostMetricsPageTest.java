package io.peregrine.agent.expose;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HostMetricsPageTest {
  private final AtomicLong nanos = new AtomicLong();
  private final HostMetricsPage page = new HostMetricsPage(nanos::get);

  private static Sample sample(String metric, String tags, double value, CounterType type) {
    return Sample.newBuilder().setEndpoint("node-1").setMetric(metric).setTags(tags).setValue(value)
        .setTimestamp(1_700_000_000L).setStep(10).setCounterType(type).build();
  }

  private String text() throws Exception {
    return new String(page.render(), StandardCharsets.UTF_8);
  }

  @Test
  void namesAndLabelsAreMappedLikeRemoteWriteWithTheTextFormatsSuffixRules() throws Exception {
    page.record(sample("cpu.idle", "", 12.5, CounterType.GAUGE));
    page.record(sample("net.if.in.bytes", "iface=eth0", 1000, CounterType.COUNTER));
    page.record(sample("net.if.in.bytes", "iface=eth1", 5, CounterType.COUNTER));
    page.record(sample("df.bytes.total", "fstype=ext4,mount=/data", 1e9, CounterType.GAUGE));
    page.record(sample("disk.io.avgqu-sz", "device=sda", 0.5, CounterType.GAUGE));
    page.record(sample("proc.num", "cmdline=java -jar x,endpoint=other,my.key=v", 2, CounterType.GAUGE));
    page.record(sample("1min.thing", "", 1, CounterType.GAUGE));
    String text = text();
    assertThat(text).contains("# TYPE cpu_idle gauge\ncpu_idle{endpoint=\"node-1\"} 12.5\n");
    assertThat(text).contains("# TYPE net_if_in_bytes_total counter\n",
        "net_if_in_bytes_total{endpoint=\"node-1\",iface=\"eth0\"} 1000.0\n",
        "net_if_in_bytes_total{endpoint=\"node-1\",iface=\"eth1\"} 5.0\n");
    assertThat(text).contains("df_bytes{endpoint=\"node-1\",fstype=\"ext4\",mount=\"/data\"} 1.0E9\n");
    assertThat(text).contains("disk_io_avgqu_sz{device=\"sda\",endpoint=\"node-1\"} 0.5\n");
    assertThat(text).contains(
        "proc_num{cmdline=\"java -jar x\",endpoint=\"node-1\",my_key=\"v\",tag_endpoint=\"other\"} 2.0\n");
    assertThat(text).contains("_1min_thing{endpoint=\"node-1\"} 1.0\n");
  }

  @Test
  void aSeriesNotSeenForThreeStepsIsDroppedAndANewValueReplacesTheOld() throws Exception {
    page.record(sample("net.if.in.bytes", "iface=eth0", 1000, CounterType.COUNTER));
    page.record(sample("net.if.in.bytes", "iface=veth9", 7, CounterType.COUNTER));
    nanos.addAndGet(25_000_000_000L);
    page.record(sample("net.if.in.bytes", "iface=eth0", 2000, CounterType.COUNTER));
    nanos.addAndGet(10_000_000_000L);
    String text = text();
    assertThat(text).contains("net_if_in_bytes_total{endpoint=\"node-1\",iface=\"eth0\"} 2000.0\n")
        .doesNotContain("1000.0").doesNotContain("veth9");
    assertThat(page.series()).isEqualTo(1);
  }

  @Test
  void aNegativeCounterIsLeftOutWithoutBreakingThePage() throws Exception {
    page.record(sample("odd.counter", "", -3, CounterType.DERIVE));
    page.record(sample("cpu.idle", "", 50, CounterType.GAUGE));
    assertThat(text()).contains("cpu_idle{endpoint=\"node-1\"} 50.0").doesNotContain("-3");
  }
}
