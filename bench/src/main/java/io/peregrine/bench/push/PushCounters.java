package io.peregrine.bench.push;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the connections did, written from their sending threads and gRPC callbacks, read once a second by the
 * reporter. Each request is counted in the phase it was <em>sent</em> in (warmup or run), answer included, so the
 * measured totals add up exactly (sent = accepted + rejected + failed) even though answers to the last warmup
 * requests arrive after measuring began.
 *
 * <p>Latency has one HdrHistogram {@link Recorder} per connection and phase (wait-free recording, no hot counter
 * shared between connections), merged when read. Only answered requests are timed: a failure's latency (a refused
 * connection, a deadline) says nothing about how fast the target works.
 */
final class PushCounters {
  /** Three significant digits: 1 us resolution up to 1 ms, 1 ms up to 1 s, with an auto-resizing range. */
  static final int LATENCY_DIGITS = 3;

  private final Tally warmup;
  private final Tally run;
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private final AtomicReference<String> firstReject = new AtomicReference<>();
  private final long measureFrom;

  /**
   * @param measureFromNanos the {@link System#nanoTime()} at which warmup ends: fixed in advance, so a request's
   *     phase is a function of its send time alone and its answer always lands in the same phase
   */
  PushCounters(int connections, long measureFromNanos) {
    warmup = new Tally(connections);
    run = new Tally(connections);
    measureFrom = measureFromNanos;
  }

  /** True for requests sent at {@code nanos} and later. */
  boolean measured(long nanos) {
    return nanos - measureFrom >= 0;
  }

  private Tally phase(long sentNanos) {
    return measured(sentNanos) ? run : warmup;
  }

  /**
   * A request carrying {@code samples} is about to leave.
   *
   * @return its send time, to pass back with its outcome
   */
  long sent(int samples) {
    long now = System.nanoTime();
    Tally t = phase(now);
    t.requests.increment();
    t.sentSamples.add(samples);
    return now;
  }

  /** The target answered: {@code accepted} samples taken, {@code rejected} refused (see {@link #reject}). */
  void answered(int connection, long sentNanos, long accepted, long rejected) {
    Tally t = phase(sentNanos);
    t.latency[connection].recordValue(Math.max(0, (System.nanoTime() - sentNanos) / 1_000));
    t.answered.increment();
    t.accepted.add(accepted);
    t.rejected.add(rejected);
  }

  /** One refused sample, by the receiver's code; the first reason is kept for the summary. */
  void reject(long sentNanos, String code, String reason) {
    phase(sentNanos).rejectCodes.computeIfAbsent(code, k -> new LongAdder()).increment();
    if (firstReject.get() == null) {
      firstReject.compareAndSet(null, code + ": " + reason);
    }
  }

  /** The request failed as a whole (gRPC status, HTTP status, I/O): its samples count as failed under {@code key}. */
  void failed(long sentNanos, int samples, String key, String message) {
    Tally t = phase(sentNanos);
    t.failed.increment();
    t.failedSamples.add(samples);
    t.errors.computeIfAbsent(key, k -> new LongAdder()).increment();
    if (firstError.get() == null) {
      firstError.compareAndSet(null, key + ": " + message);
    }
  }

  /** Totals of requests sent while warming up. */
  Totals warmupTotals() {
    return warmup.totals();
  }

  /** Totals of requests sent since measuring began. */
  Totals runTotals() {
    return run.totals();
  }

  /** Latencies of warmup requests answered since the previous call, all connections merged, in microseconds. */
  Histogram warmupLatency() {
    return warmup.intervalLatency();
  }

  /** The same for measured requests. */
  Histogram runLatency() {
    return run.intervalLatency();
  }

  String firstError() {
    return firstError.get();
  }

  String firstReject() {
    return firstReject.get();
  }

  /** Milliseconds at {@code percentile}, 0 for an empty histogram. */
  static double millis(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1_000.0;
  }

  /** The counters of one phase. */
  private static final class Tally {
    final LongAdder requests = new LongAdder();
    final LongAdder sentSamples = new LongAdder();
    final LongAdder answered = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder failedSamples = new LongAdder();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final Map<String, LongAdder> rejectCodes = new ConcurrentHashMap<>();
    final Recorder[] latency;
    /** Only the reporter thread reads intervals, so the recycled histograms need no lock. */
    final Histogram[] recycled;

    Tally(int connections) {
      latency = new Recorder[connections];
      recycled = new Histogram[connections];
      for (int i = 0; i < connections; i++) {
        latency[i] = new Recorder(LATENCY_DIGITS);
      }
    }

    Totals totals() {
      return new Totals(requests.sum(), answered.sum(), failed.sum(), sentSamples.sum(), accepted.sum(),
          rejected.sum(), failedSamples.sum(), copy(errors), copy(rejectCodes));
    }

    Histogram intervalLatency() {
      Histogram merged = new Histogram(LATENCY_DIGITS);
      for (int i = 0; i < latency.length; i++) {
        recycled[i] = latency[i].getIntervalHistogram(recycled[i]);
        merged.add(recycled[i]);
      }
      return merged;
    }

    private static Map<String, Long> copy(Map<String, LongAdder> map) {
      Map<String, Long> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(k, v.sum()));
      return out;
    }
  }

  /** A snapshot of one phase's counters; subtracting an earlier one gives what happened in between. */
  record Totals(long requests, long answered, long failed, long sentSamples, long acceptedSamples,
      long rejectedSamples, long failedSamples, Map<String, Long> errors, Map<String, Long> rejectCodes) {

    static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0, Map.of(), Map.of());

    /** Requests sent that have neither an answer nor a failure yet. */
    long outstanding() {
      return requests - answered - failed;
    }

    Totals minus(Totals earlier) {
      return new Totals(requests - earlier.requests, answered - earlier.answered, failed - earlier.failed,
          sentSamples - earlier.sentSamples, acceptedSamples - earlier.acceptedSamples,
          rejectedSamples - earlier.rejectedSamples, failedSamples - earlier.failedSamples,
          minus(errors, earlier.errors), minus(rejectCodes, earlier.rejectCodes));
    }

    private static Map<String, Long> minus(Map<String, Long> now, Map<String, Long> earlier) {
      Map<String, Long> out = new TreeMap<>();
      now.forEach((k, v) -> {
        long d = v - earlier.getOrDefault(k, 0L);
        if (d != 0) {
          out.put(k, d);
        }
      });
      return out;
    }
  }
}
