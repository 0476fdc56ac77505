package io.peregrine.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peregrine bench}: the tools to size a cluster. {@code push} loads transfer (or anything speaking its
 * protocols) and reports throughput and latency; {@code sink} stands in for graph and judge and counts what arrives;
 * {@code graph} loads graph's real store in-process; {@code judge} measures the judge itself.
 */
@Command(
    name = "bench",
    description = "Load generator (push), stand-in graph + judge (sink), graph store load (graph) and judge load "
        + "(judge) for sizing a Peregrine cluster.",
    subcommands = {PushCommand.class, SinkCommand.class, GraphBenchCommand.class, JudgeBenchCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
