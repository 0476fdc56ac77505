package io.peregrine.agent.collect;

/**
 * Host memory in bytes and the mem.* metrics made from it. {@code free} is the memory available to new work without
 * swapping: the kernel's MemAvailable where it exists (Linux 3.14+), else MemFree + Buffers + Cached, as
 * Open-Falcon computes it; {@code mem.memused} is total minus that, so memused + memfree = memtotal and page cache
 * does not count as used.
 */
record MemoryStats(long total, long free, long swapTotal, long swapFree) {

  void emit(SampleEmitter out) {
    long used = total - free;
    long swapUsed = swapTotal - swapFree;
    out.gauge("mem.memtotal", "", total);
    out.gauge("mem.memused", "", used);
    out.gauge("mem.memfree", "", free);
    out.gauge("mem.swaptotal", "", swapTotal);
    out.gauge("mem.swapused", "", swapUsed);
    out.gauge("mem.swapfree", "", swapFree);
    if (total > 0) {
      out.gauge("mem.memfree.percent", "", 100.0 * free / total);
      out.gauge("mem.memused.percent", "", 100.0 * used / total);
    }
    // no swap at all (most Kubernetes nodes): 0 % used and 100 % free, so "swapfree.percent < 10" stays quiet;
    // Open-Falcon reports 0 for both here
    out.gauge("mem.swapfree.percent", "", swapTotal > 0 ? 100.0 * swapFree / swapTotal : 100.0);
    out.gauge("mem.swapused.percent", "", swapTotal > 0 ? 100.0 * swapUsed / swapTotal : 0.0);
  }
}
