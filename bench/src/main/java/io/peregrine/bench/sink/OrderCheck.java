package io.peregrine.bench.sink;

import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-series order as a receiver sees it: a sample whose timestamp is older than the newest one its series had is
 * counted as backwards. Transfer stamps {@code timestamp = 0} samples at ingest (whole seconds), so with the
 * generator's default timestamp every replay out of order across a second shows here. Costs a map lookup per sample:
 * only on when asked ({@code bench sink --check-order}).
 */
final class OrderCheck {
  private final ConcurrentHashMap<String, long[]> newest = new ConcurrentHashMap<>();
  private final LongAdder backwards = new LongAdder();

  void check(SampleBatch batch) {
    for (Sample s : batch.getSamplesList()) {
      String series = s.getEndpoint() + '\0' + s.getMetric() + '\0' + s.getTags();
      long[] last = newest.computeIfAbsent(series, k -> new long[] {Long.MIN_VALUE});
      synchronized (last) {
        if (s.getTimestamp() < last[0]) {
          backwards.increment();
        } else {
          last[0] = s.getTimestamp();
        }
      }
    }
  }

  long backwards() {
    return backwards.sum();
  }

  int series() {
    return newest.size();
  }
}
