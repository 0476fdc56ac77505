package io.peregrine.bench;

import io.peregrine.bench.sink.BenchSink;
import io.peregrine.common.config.Durations;
import io.peregrine.common.server.NamedExecutors;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peregrine bench sink}: a Graph + Judge endpoint that counts and discards. */
@Command(
    name = "sink",
    sortOptions = false,
    description = {
        "Serve Graph.Push and Judge.Push (gRPC), answer every batch \"all accepted\", count the samples and discard "
            + "them: point transfer's graph and judge nodes here to measure transfer alone.",
        "Graph's Query, Last and ListSeries answer UNIMPLEMENTED.",
        "Prints samples/s per service every report interval and a summary line on exit (Ctrl-C or --duration)."},
    footer = {"",
        "Example (one transfer routing to this sink):",
        "  peregrine bench sink &",
        "  PEREGRINE_TRANSFER_GRAPH_NODES=graph-0=127.0.0.1:6070 \\",
        "  PEREGRINE_TRANSFER_JUDGE_NODES=judge-0=127.0.0.1:6080 peregrine transfer"})
final class SinkCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--graph-listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:6070",
      description = "Address of the Graph service (graph's own default port). Default: ${DEFAULT-VALUE}.")
  String graphListen;

  @Option(names = "--judge-listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:6080",
      description = "Address of the Judge service (judge's own default port). Default: ${DEFAULT-VALUE}.")
  String judgeListen;

  @Option(names = "--report-interval", paramLabel = "DURATION", defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How often to print samples/s. Default: ${DEFAULT-VALUE}.")
  Duration reportInterval;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
      description = "Stop after this long; 0 = run until Ctrl-C. Default: ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "" + BenchSink.DEFAULT_THREADS,
      description = "gRPC handler threads per service. Default: ${DEFAULT-VALUE}.")
  int threads;

  @CommandLine.Mixin
  TlsOptions tls = new TlsOptions();

  @Option(names = "--check-order",
      description = "Count samples that arrive older (by timestamp) than their series' newest one; printed in the "
          + "summary as backwards=N. Costs a map lookup per sample.")
  boolean checkOrder;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (reportInterval.isNegative() || reportInterval.isZero() || duration.isNegative()) {
      spec.commandLine().getErr().println("bench sink: --report-interval must be positive and --duration at least 0");
      return 2;
    }
    BenchSink sink;
    try {
      sink = new BenchSink(graphListen, judgeListen, threads, tls.server(), checkOrder);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("bench sink: " + e.getMessage());
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    ScheduledExecutorService reporter = NamedExecutors.scheduled("bench-sink-report");
    try (CtrlC ignored = new CtrlC("bench-sink", stop::countDown)) {
      try {
        sink.start();
      } catch (Exception e) {
        spec.commandLine().getErr().println("bench sink: cannot start: " + e);
        return 1;
      }
      SinkProgress progress = new SinkProgress(sink);
      print(out, String.format("bench sink: graph on %s:%d, judge on %s:%d, reporting every %s%s",
          host(graphListen), sink.graphPort(), host(judgeListen), sink.judgePort(), Durations.format(reportInterval),
          duration.isZero() ? "; Ctrl-C stops" : "; stopping after " + Durations.format(duration)));
      long every = reportInterval.toNanos();
      reporter.scheduleAtFixedRate(() -> print(out, progress.interval()), every, every, TimeUnit.NANOSECONDS);
      if (duration.isZero()) {
        stop.await();
      } else {
        stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
      }
      reporter.shutdownNow();
      sink.close();
      print(out, progress.summary());
    } finally {
      reporter.shutdownNow();
      sink.close();
    }
    return 0;
  }

  private static String host(String listen) {
    return listen.substring(0, listen.lastIndexOf(':'));
  }

  private static void print(PrintWriter out, String line) {
    out.println(line);
    out.flush();
  }
}
