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
        "Judge SERIES series of HOSTS hosts against STRATEGIES strategies (one template of STRATEGIES / HOSTS, "
            + "all(#3) > 50 on metrics bench.m0..), feeding pre-encoded batches from THREADS threads into the "
            + "production Judge.Push service method, over loopback gRPC with --grpc, or paced at --rate with events "
            + "written to a real Redis (--redis) to measure sample arrival to event in Redis.",
        "Prints samples/s, CPU microseconds per sample (the whole process, and the feeding threads alone), "
            + "events/s, RSS and heap bytes per series for the measured rounds (after the warm-up rounds)."},
    footer = {"", "Examples (the figures in docs/BENCHMARKS.md):",
        "  JAVA_OPTS=-Xmx3g peregrine bench judge --hosts 1000 --strategies 10000 --series 100000 --threads 2",
        "  JAVA_OPTS=-Xmx3g peregrine bench judge --strategies 10000 --series 100000 --grpc",
        "  JAVA_OPTS=-Xmx3g peregrine bench judge --strategies 10000 --series 100000 --threads 1 \\",
        "      --redis redis://127.0.0.1:6379/0 --rate 500000 --fire-period 100"})
final class JudgeBenchCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--hosts", defaultValue = "1000", description = "Hosts. Default: ${DEFAULT-VALUE}.")
  int hosts;

  @Option(names = "--strategies", defaultValue = "10000",
      description = "Strategies in all (STRATEGIES / HOSTS per host, one template). Default: ${DEFAULT-VALUE}.")
  int strategies;

  @Option(names = "--series", defaultValue = "100000",
      description = "Series in all (SERIES / HOSTS per host). Default: ${DEFAULT-VALUE}.")
  int series;

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

  @Option(names = "--redis", description = "Write events to this Redis (a key prefix of the bench's own, deleted at "
      + "the end) and report sample arrival to event in Redis; needs --rate.")
  String redis;

  @Option(names = "--rate", defaultValue = "0",
      description = "Offered samples/s over all threads (0 = as fast as possible). Default: ${DEFAULT-VALUE}.")
  int rate;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    JudgeBench.Report r;
    try {
      r = new JudgeBench().run(new JudgeBench.Options(hosts, strategies, series, threads, batch, rounds,
          warmup, firePeriod, grpc, redis, rate));
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    out.println(r.describe());
    out.flush();
    return 0;
  }
}
