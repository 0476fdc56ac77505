package io.peregrine.bench;

import io.peregrine.bench.sink.BenchSink;
import java.util.Locale;

/**
 * The sink's report lines. Per interval: samples/s per service. Summary: totals, the rate over the whole run, and
 * the rate over the intervals that saw traffic ("active"), since a sink usually idles before and after a push run.
 */
final class SinkProgress {
  private final BenchSink sink;
  private final long begin = System.nanoTime();
  private final Service graph = new Service();
  private final Service judge = new Service();
  private final Object lock = new Object();
  private long last = begin;

  SinkProgress(BenchSink sink) {
    this.sink = sink;
  }

  String interval() {
    synchronized (lock) {
      long now = System.nanoTime();
      double seconds = (now - last) / 1e9;
      last = now;
      long g = sink.graphSamples();
      long j = sink.judgeSamples();
      return String.format(Locale.ROOT, "bench sink: t=%.0fs graph samples/s=%.0f total=%d judge samples/s=%.0f"
          + " total=%d", (now - begin) / 1e9, graph.tick(g, seconds), g, judge.tick(j, seconds), j);
    }
  }

  /** After the sink stopped: counts the last partial interval, then the totals. */
  String summary() {
    synchronized (lock) {
      interval();
      return summaryLine((System.nanoTime() - begin) / 1e9);
    }
  }

  private String summaryLine(double seconds) {
    String line = String.format(Locale.ROOT, "bench sink: duration=%.1fs graph samples=%d batches=%d samples/s=%.0f"
            + " active_samples/s=%.0f judge samples=%d batches=%d samples/s=%.0f active_samples/s=%.0f",
        seconds, sink.graphSamples(), sink.graphBatches(), sink.graphSamples() / seconds, graph.activeRate(),
        sink.judgeSamples(), sink.judgeBatches(), sink.judgeSamples() / seconds, judge.activeRate());
    return sink.graphBackwards() < 0 ? line
        : line + " graph_backwards=" + sink.graphBackwards() + " judge_backwards=" + sink.judgeBackwards();
  }

  /** One service's running numbers. */
  private static final class Service {
    private long lastSamples;
    private long activeSamples;
    private double activeSeconds;

    double tick(long samples, double seconds) {
      long delta = samples - lastSamples;
      lastSamples = samples;
      if (delta > 0) {
        activeSamples += delta;
        activeSeconds += seconds;
      }
      return seconds <= 0 ? 0 : delta / seconds;
    }

    /** Samples per second over the intervals that received any; 0 before the first report. */
    double activeRate() {
      return activeSeconds <= 0 ? 0 : activeSamples / activeSeconds;
    }
  }
}
