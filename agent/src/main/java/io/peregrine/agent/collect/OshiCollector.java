package io.peregrine.agent.collect;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.CentralProcessor.TickType;
import oshi.hardware.GlobalMemory;

/**
 * cpu.*, load.* and mem.* through OSHI, for hosts without procfs (a developer's macOS). The same metric names and
 * meanings as the procfs collectors: CPU percentages from two tick snapshots (the first round primes), free memory
 * = OSHI's "available". Load averages are skipped where the OS has none (Windows reports negative values).
 */
final class OshiCollector implements Collector {
  private final CentralProcessor cpu;
  private final GlobalMemory memory;
  private CpuTimes previous;

  OshiCollector() {
    SystemInfo si = new SystemInfo();
    this.cpu = si.getHardware().getProcessor();
    this.memory = si.getHardware().getMemory();
  }

  @Override
  public String name() {
    return "oshi";
  }

  @Override
  public void collect(SampleEmitter out) {
    long[] t = cpu.getSystemCpuLoadTicks();
    CpuTimes now = new CpuTimes(t[TickType.USER.getIndex()], t[TickType.NICE.getIndex()],
        t[TickType.SYSTEM.getIndex()], t[TickType.IDLE.getIndex()], t[TickType.IOWAIT.getIndex()],
        t[TickType.IRQ.getIndex()], t[TickType.SOFTIRQ.getIndex()], t[TickType.STEAL.getIndex()], 0);
    if (previous != null) {
      now.emitPercentages(previous, out);
    }
    previous = now;
    long switches = cpu.getContextSwitches();
    if (switches >= 0) {
      out.counter("cpu.switches", "", switches);
    }
    double[] load = cpu.getSystemLoadAverage(3);
    if (load[0] >= 0) {
      LoadCollector.emit(out, load[0], load[1], load[2]);
    }
    long swapTotal = memory.getVirtualMemory().getSwapTotal();
    new MemoryStats(memory.getTotal(), memory.getAvailable(), swapTotal,
        swapTotal - memory.getVirtualMemory().getSwapUsed()).emit(out);
  }
}
