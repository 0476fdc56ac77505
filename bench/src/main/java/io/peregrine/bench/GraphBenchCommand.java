package io.peregrine.bench;

import io.peregrine.bench.graph.GraphLoad;
import io.peregrine.graph.GraphConfig;
import io.peregrine.graph.store.LayoutStudy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peregrine bench graph}: graph's store under load in this JVM. */
@Command(
    name = "graph",
    sortOptions = false,
    description = {
        "Load graph's real store in this JVM (no network): create N series, ingest rounds of one sample per series "
            + "as fast as the store takes them, then query while ingesting at half that rate.",
        "Reports series/s, points/s, CPU us/point, flush latency, query latency percentiles, RSS, heap and disk "
            + "bytes per series; then one-day queries with the segment files evicted from the page cache (cold)."},
    footer = {"", "Example (the figures in docs/BENCHMARKS.md):",
        "  peregrine bench graph --series 200000 --duration 30s --query-duration 20s",
        "  peregrine bench graph --series 200000 --duration 30s --query-duration 20s --raw-rows 720",
        "  peregrine bench graph --layout-study"})
final class GraphBenchCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--series", paramLabel = "N", defaultValue = "100000",
      description = "Active series. Default: ${DEFAULT-VALUE}.")
  int series;

  @Option(names = "--step", paramLabel = "SECONDS", defaultValue = "60",
      description = "The series' step. Default: ${DEFAULT-VALUE}.")
  int step;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "60",
      description = "Sample time between two samples of a series; the step closes a step with every sample, less "
          + "puts several samples in a step. Default: ${DEFAULT-VALUE}.")
  int interval;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "Length of the sustained phase. Default: ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(names = "--query-duration", paramLabel = "DURATION", defaultValue = "20s",
      converter = DurationConverter.class,
      description = "Length of the query phase (ingest at half rate). Default: ${DEFAULT-VALUE}.")
  Duration queryDuration;

  @Option(names = "--query-series", paramLabel = "N", defaultValue = "100",
      description = "Series given two days of history for the queries. Default: ${DEFAULT-VALUE}.")
  int querySeries;

  @Option(names = "--cold-rounds", paramLabel = "N", defaultValue = "20",
      description = "After the run, rounds of one-day queries (1 series, then 100) each on a store reopened after "
          + "evicting the segment files from the page cache; 0 skips them. Default: ${DEFAULT-VALUE}.")
  int coldRounds;

  @Option(names = "--raw-rows", paramLabel = "N", defaultValue = "1440",
      description = "graph.rawRows: steps the raw archive keeps (1440, graph's default, serves a day at the step and "
          + "adds the one-day raw query lines; 720 = Open-Falcon's 12 h at 60 s). Default: ${DEFAULT-VALUE}.")
  int rawRows;

  @Option(names = "--layout-study",
      description = "Instead of the load: push a year of six data shapes through the real consolidation into a "
          + "segment slot each and print the bytes per series at full retention under candidate encodings "
          + "(today's 4-byte cells, XOR-compressed blocks of 16/64/128 rows, fixed 24-byte cells with overflow, "
          + "Deflate), for --raw-rows.")
  boolean layoutStudy;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the store writes; default a new temporary directory, deleted at the end.")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (series < 1 || step < 1 || interval < 1 || querySeries < 1 || coldRounds < 0 || duration.isNegative()
        || queryDuration.isNegative()) {
      err.println("bench graph: --series, --step, --interval and --query-series must be positive, --cold-rounds "
          + "and durations at least 0");
      return 2;
    }
    if (rawRows < 1 || rawRows > GraphConfig.MAX_RAW_ROWS) {
      err.println("bench graph: --raw-rows must be 1.." + GraphConfig.MAX_RAW_ROWS + ", got " + rawRows);
      return 2;
    }
    if (layoutStudy) {
      LayoutStudy.report(rawRows, spec.commandLine().getOut());
      return 0;
    }
    boolean temporary = dataDir == null;
    Path dir = temporary ? Files.createTempDirectory("peregrine-bench-graph") : dataDir;
    try {
      new GraphLoad(new GraphLoad.Options(dir, series, step, interval, duration, queryDuration, querySeries,
          coldRounds, rawRows),
          spec.commandLine().getOut()).run();
      return 0;
    } finally {
      if (temporary) {
        deleteTree(dir);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
