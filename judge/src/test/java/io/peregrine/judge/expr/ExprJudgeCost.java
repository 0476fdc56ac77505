package io.peregrine.judge.expr;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.judge.state.StateStore;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * CPU per sample offered to {@link ExprJudge} (docs/BENCHMARKS.md): a metric no rule reads, then 1,000 hosts whose
 * mem.memused, mem.memtotal and load.1min feed two rules and cpu.idle feeds none. One thread, in-process. Argument:
 * rounds (default 300).
 */
public final class ExprJudgeCost {
  public static void main(String[] a) {
    int hosts = 1000, rounds = Integer.parseInt(a.length > 0 ? a[0] : "300");
    long[] events = {0};
    ExprJudge j = new ExprJudge(List::of, List.of(new ExprRuleDef(1, "all(#3): mem.memused / mem.memtotal * 100 > 90"),
        new ExprRuleDef(2, "all(#2): disk.io.util{device=sda} > 90 and load.1min > 8")), 11, e -> { events[0]++; return true; },
        StateStore.MEMORY, Duration.ofSeconds(300), Clock.systemUTC(), new SimpleMeterRegistry());
    String[] metrics = {"mem.memused", "mem.memtotal", "load.1min", "cpu.idle"};
    Sample[][] batch = new Sample[rounds][];
    for (int r = 0; r < rounds; r++) {
      batch[r] = new Sample[hosts * metrics.length];
      for (int h = 0; h < hosts; h++) {
        for (int m = 0; m < metrics.length; m++) {
          double v = m == 1 ? 1000 : (r % 10 < 5 ? 950 : 500);
          batch[r][h * metrics.length + m] = Sample.newBuilder().setEndpoint("host" + h).setMetric(metrics[m])
              .setTimestamp(1_800_000_000L + r * 60L).setValue(v).setStep(60).setCounterType(CounterType.GAUGE).build();
        }
      }
    }
    Sample unwatched = Sample.newBuilder().setEndpoint("x").setMetric("net.if.in.bytes").setTimestamp(1).setValue(1)
        .setStep(60).setCounterType(CounterType.GAUGE).build();
    var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int warm = 0; warm < 3; warm++) {
      for (int i = 0; i < 5_000_000; i++) j.judge(unwatched);
    }
    long c0 = bean.getCurrentThreadCpuTime();
    int n = 20_000_000;
    for (int i = 0; i < n; i++) j.judge(unwatched);
    long c1 = bean.getCurrentThreadCpuTime();
    System.out.printf("unread metric: %.1f ns CPU/sample%n", (c1 - c0) / (double) n);
    long s0 = bean.getCurrentThreadCpuTime();
    long count = 0;
    for (Sample[] b : batch) { for (Sample s : b) { j.judge(s); count++; } }
    long s1 = bean.getCurrentThreadCpuTime();
    System.out.printf("mixed (3 of 4 metrics read by a rule, 1000 hosts x %d rounds): %.2f us CPU/sample, %d events%n",
        rounds, (s1 - s0) / 1000.0 / count, events[0]);
  }
}
