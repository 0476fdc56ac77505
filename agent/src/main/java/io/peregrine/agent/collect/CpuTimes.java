package io.peregrine.agent.collect;

/**
 * Cumulative CPU time of all cores, in any unit (procfs jiffies, OSHI ticks). The percentages of an interval come
 * from the difference of two snapshots. {@code guest} is already included in {@code user} by the kernel, so the total
 * leaves it (and guest_nice) out to avoid counting it twice; cpu.guest is the share of the total spent in guests.
 */
record CpuTimes(long user, long nice, long system, long idle, long iowait, long irq, long softirq, long steal,
    long guest) {

  long total() {
    return user + nice + system + idle + iowait + irq + softirq + steal;
  }

  /**
   * Emits Open-Falcon's cpu.* percentages of the interval between {@code previous} and this; nothing when the
   * interval is empty or a counter went backwards (a host that was suspended and restored, a buggy hypervisor).
   */
  void emitPercentages(CpuTimes previous, SampleEmitter out) {
    long total = total() - previous.total();
    long[] deltas = {user - previous.user, nice - previous.nice, system - previous.system, idle - previous.idle,
        iowait - previous.iowait, irq - previous.irq, softirq - previous.softirq, steal - previous.steal,
        guest - previous.guest};
    if (total <= 0) {
      return;
    }
    for (long d : deltas) {
      if (d < 0) {
        return;
      }
    }
    double idlePct = 100.0 * deltas[3] / total;
    out.gauge("cpu.idle", "", idlePct);
    out.gauge("cpu.busy", "", 100.0 - idlePct);
    out.gauge("cpu.user", "", 100.0 * deltas[0] / total);
    out.gauge("cpu.nice", "", 100.0 * deltas[1] / total);
    out.gauge("cpu.system", "", 100.0 * deltas[2] / total);
    out.gauge("cpu.iowait", "", 100.0 * deltas[4] / total);
    out.gauge("cpu.irq", "", 100.0 * deltas[5] / total);
    out.gauge("cpu.softirq", "", 100.0 * deltas[6] / total);
    out.gauge("cpu.steal", "", 100.0 * deltas[7] / total);
    out.gauge("cpu.guest", "", Math.min(100.0, 100.0 * deltas[8] / total));
  }
}
