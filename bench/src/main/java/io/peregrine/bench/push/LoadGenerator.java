package io.peregrine.bench.push;

import io.peregrine.common.config.Durations;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.tls.TlsMaterial;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The load generator behind {@code peregrine bench push}: builds the request pool, opens {@code connections}
 * connections with one sending thread each, sends for warmup + duration (or until {@link #stop()}), then waits for
 * the answers still outstanding. The calling thread reports once a second through {@code lines} and gets the
 * measured totals back. One run per instance.
 */
public final class LoadGenerator {
  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final PushConfig config;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile boolean stopped;

  public LoadGenerator(PushConfig config) {
    this.config = config;
  }

  /** Ends the run early (Ctrl-C): {@link #run} stops sending, waits for outstanding answers and returns. */
  public void stop() {
    stopRequested.countDown();
  }

  /**
   * Runs the benchmark.
   *
   * @param lines receives a start line, then one progress line per second (warmup lines are marked)
   * @return the totals of the requests sent after warmup (all of them when stopped during warmup)
   */
  public PushStats run(Consumer<String> lines) throws InterruptedException {
    BatchPool pool = BatchPool.build(config);
    lines.accept(startLine(pool));
    int n = config.connections();
    // the clock starts before the first request can leave: with no warmup, every request is measured
    long begin = System.nanoTime();
    PushCounters counters = new PushCounters(n, begin + config.warmup().toNanos());
    List<PushConnection> connections = new ArrayList<>(n);
    TlsMaterial tls = new TlsMaterial("bench", config.tls(), null);
    HttpPushClient http = config.mode() == PushMode.HTTP ? new HttpPushClient(config, pool, tls) : null;
    ThreadPoolExecutor executor = NamedExecutors.fixed("bench-push", n, n, new ThreadPoolExecutor.AbortPolicy());
    Duration drainTimeout = config.timeout().plusSeconds(1);
    try {
      Phase phase = new Phase(counters, begin);
      if (config.warmup().isZero()) {
        phase.startMeasuring();
      }
      double perConnectionRate = config.rate() / (double) n;
      for (int i = 0; i < n; i++) {
        PushConnection c = connect(i, pool, counters, http, tls);
        connections.add(c);
        executor.execute(new SendLoop(i, n, c, pool, new Pacer(perConnectionRate), config.effectiveWindow(),
            () -> stopped, drainTimeout));
      }
      report(phase, lines);
      stopped = true;
      executor.shutdown();
      if (!executor.awaitTermination(drainTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
        lines.accept("bench push: connections did not finish in time; counting what was answered");
      }
      return phase.finish();
    } finally {
      stopped = true;
      executor.shutdownNow();
      connections.forEach(PushConnection::close);
      if (http != null) {
        http.close();
      }
    }
  }

  private PushConnection connect(int id, BatchPool pool, PushCounters counters, HttpPushClient http,
      TlsMaterial tls) {
    return switch (config.mode()) {
      case GRPC_UNARY -> new GrpcUnaryConnection(id, config.target(), pool, counters, config.timeout(), tls);
      case GRPC_STREAM -> new GrpcStreamConnection(id, config.target(), pool, counters, tls);
      case HTTP -> new HttpConnection(id, http, pool, counters);
    };
  }

  /** Prints a line every second until warmup + duration are over or stop() was called. */
  private void report(Phase phase, Consumer<String> lines) throws InterruptedException {
    long warmupEnd = phase.begin + config.warmup().toNanos();
    long lastTick = phase.begin;
    PushCounters.Totals last = PushCounters.Totals.ZERO;
    while (true) {
      long boundary = phase.measuring ? phase.start + config.duration().toNanos() : warmupEnd;
      long wake = Math.min(lastTick + TICK_NANOS, boundary);
      if (stopRequested.await(wake - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        return;
      }
      long now = System.nanoTime();
      Histogram latency = phase.intervalLatency();
      PushCounters.Totals totals = phase.totals();
      lines.accept(progressLine(phase, now, totals, totals.minus(last), now - lastTick, latency));
      lastTick = now;
      last = totals;
      if (now - boundary >= 0) {
        if (phase.measuring) {
          return;
        }
        phase.startMeasuring();
        last = PushCounters.Totals.ZERO;
      }
    }
  }

  private static String progressLine(Phase phase, long now, PushCounters.Totals totals,
      PushCounters.Totals interval, long intervalNanos, Histogram latency) {
    return String.format(Locale.ROOT, "bench push: [%s] t=%.1fs samples/s=%.0f accepted=%d rejected=%d errors=%d"
            + " latency_ms p50=%.3f p99=%.3f max=%.3f",
        phase.measuring ? "run" : "warmup", (now - phase.start) / 1e9,
        interval.acceptedSamples() / (intervalNanos / 1e9), totals.acceptedSamples(), totals.rejectedSamples(),
        totals.failed(), PushCounters.millis(latency, 50), PushCounters.millis(latency, 99),
        latency.getMaxValue() / 1_000.0);
  }

  private String startLine(BatchPool pool) {
    return String.format(Locale.ROOT, "bench push: mode=%s target=%s series=%d (%d endpoints x %d metrics, %d tags)"
            + " batch=%d pool=%d requests (%.1f MiB) connections=%d window=%d rate=%s warmup=%s duration=%s"
            + " counterType=%s step=%ds timestamp=0 (the receiver's now)",
        config.mode().label(), config.target(), config.series(), config.endpoints(), config.metrics(),
        config.tags(), config.batchSize(), pool.size(), pool.bytes() / 1048576.0, config.connections(),
        config.effectiveWindow(), config.rate() == 0 ? "unlimited" : config.rate() + "/s",
        Durations.format(config.warmup()), Durations.format(config.duration()), config.counterType(),
        config.step());
  }

  /** Warmup or measuring: when the current phase started, and the latency of the measured requests so far. */
  private final class Phase {
    final PushCounters counters;
    final long begin;
    final Histogram measured = new Histogram(PushCounters.LATENCY_DIGITS);
    boolean measuring;
    long start;
    long cpuStart;

    Phase(PushCounters counters, long begin) {
      this.counters = counters;
      this.begin = begin;
      this.start = begin;
      this.cpuStart = processCpuNanos();
    }

    /** Called at the first tick at or after the end of warmup (the counters switched at its exact time). */
    void startMeasuring() {
      measuring = true;
      start = begin + config.warmup().toNanos();
      cpuStart = processCpuNanos();
    }

    PushCounters.Totals totals() {
      return measuring ? counters.runTotals() : counters.warmupTotals();
    }

    Histogram intervalLatency() {
      if (!measuring) {
        return counters.warmupLatency();
      }
      Histogram h = counters.runLatency();
      measured.add(h);
      return h;
    }

    /** After the connections drained: the measured requests (the warmup ones, if stopped during warmup). */
    PushStats finish() {
      long end = System.nanoTime();
      Histogram h = intervalLatency();
      if (measuring) {
        h = measured;
      }
      PushCounters.Totals t = totals();
      long cpuEnd = processCpuNanos();
      long cpu = cpuStart < 0 || cpuEnd < 0 ? -1 : cpuEnd - cpuStart;
      return new PushStats(config.mode(), config.target(), (end - start) / 1e9, t.requests(), t.sentSamples(),
          t.acceptedSamples(), t.rejectedSamples(), t.failedSamples(), t.outstanding(), t.errors(),
          t.rejectCodes(), PushCounters.millis(h, 50), PushCounters.millis(h, 99), PushCounters.millis(h, 99.9),
          h.getMaxValue() / 1_000.0, cpu, counters.firstError(), counters.firstReject());
    }
  }

  /** CPU time of the whole process (all threads, GC and JIT included), or -1 when the JVM does not say. */
  static long processCpuNanos() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }
}
