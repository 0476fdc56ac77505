package io.peregrine.bench;

import io.peregrine.judge.bench.JudgeBench;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peregrine bench judge}: the judge's own throughput, in-process or over loopback gRPC. */
@Command(
    name = "judge",
    sortOptions = false,
    description = {
        "Judge HOSTS x SERIES series against HOSTS x STRATEGIES strategies (one template, all(#3) > 50 on metrics "
            + "bench.m0..), feeding pre-built batches from THREADS threads into the production Judge.Push service "
            + "method (or over loopback gRPC with --grpc).",
        "Prints samples/s, CPU microseconds per sample (the whole process), events/s and RSS for the measured "
            + "rounds (after the warm-up rounds)."},
    footer = {"", "Example (the figures in docs/BENCHMARKS.md):",
        "  JAVA_OPTS=-Xmx6g peregrine bench judge --hosts 1000 --strategies 10 --series-per-host 100 --threads 2"})
final class JudgeBenchCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--hosts", defaultValue = "1000", description = "Hosts. Default: ${DEFAULT-VALUE}.")
  int hosts;

  @Option(names = "--strategies", defaultValue = "10",
      description = "Strategies per host (one template). Default: ${DEFAULT-VALUE}.")
  int strategies;

  @Option(names = "--series-per-host", defaultValue = "100", description = "Series per host. Default: ${DEFAULT-VALUE}.")
  int seriesPerHost;

  @Option(names = "--threads", defaultValue = "2", description = "Feeding threads. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--batch", defaultValue = "1000", description = "Samples per batch (1..10000). Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--rounds", defaultValue = "60",
      description = "Rounds (one sample per series each), warm-up included; all are built up front. "
          + "Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(names = "--warmup", defaultValue = "20", description = "Warm-up rounds, not measured. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(names = "--fire-period", defaultValue = "1000",
      description = "Each series raises a PROBLEM and an OK once per this many rounds. Default: ${DEFAULT-VALUE}.")
  int firePeriod;

  @Option(names = "--grpc", description = "Push over loopback gRPC instead of calling the service method.")
  boolean grpc;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    JudgeBench.Report r;
    try {
      r = new JudgeBench().run(new JudgeBench.Options(hosts, strategies, seriesPerHost, threads, batch, rounds,
          warmup, firePeriod, grpc));
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    out.println(r.describe());
    out.flush();
    return 0;
  }
}
