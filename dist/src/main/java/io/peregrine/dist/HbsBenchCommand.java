package io.peregrine.dist;

import io.peregrine.common.config.Durations;
import io.peregrine.hbs.bench.BenchFleet;
import io.peregrine.hbs.bench.HeartbeatBench;
import io.peregrine.hbs.bench.ResolutionBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peregrine bench hbs}: heartbeats at fleet scale, or (with --resolve) the strategy set's build and fetch. */
@Command(name = "hbs", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Start a real hbs in this JVM on an empty database (H2 in a temp folder unless --jdbc-url), write a synthetic "
            + "fleet (HOSTS hosts over GROUPS groups, each group bound to one of TEMPLATES templates holding "
            + "STRATEGIES strategies in all), then send heartbeats over loopback gRPC at RATE per second, open loop, "
            + "and print throughput and latency percentiles (measured from when each call was due).",
        "With --resolve: time the strategy set's rebuild and a judge's GetStrategies of the whole set instead."},
    footer = {"", "Examples (the figures in docs/BENCHMARKS.md):",
        "  JAVA_OPTS='-Xmx1g -XX:+UseParallelGC' peregrine bench hbs --hosts 100000 --rate 2000 --duration 30s",
        "  peregrine bench hbs --jdbc-url jdbc:mariadb://127.0.0.1:3306/hbs_bench --jdbc-user root",
        "  peregrine bench hbs --resolve --hosts 10000 --groups 100 --templates 100 --strategies 1000"})
final class HbsBenchCommand implements Callable<Integer> {
  @Option(names = "--jdbc-url", description = "an EMPTY hbs database (the bench writes bench-* rows); "
      + "default: H2 in a temp folder, deleted after")
  String jdbcUrl;

  @Option(names = "--jdbc-user", defaultValue = "sa", description = "Default: ${DEFAULT-VALUE}.")
  String jdbcUser;

  @Option(names = "--jdbc-password", defaultValue = "", description = "Default: none.")
  String jdbcPassword;

  @Option(names = "--hosts", defaultValue = "100000", description = "Default: ${DEFAULT-VALUE}.")
  int hosts;

  @Option(names = "--groups", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}.")
  int groups;

  @Option(names = "--templates", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}.")
  int templates;

  @Option(names = "--strategies", defaultValue = "1000", description = "In all templates. Default: ${DEFAULT-VALUE}.")
  int strategies;

  @Option(names = "--rate", defaultValue = "2000", description = "Heartbeats per second. Default: ${DEFAULT-VALUE}.")
  int rate;

  @Option(names = "--duration", defaultValue = "30s", description = "Measured time. Default: ${DEFAULT-VALUE}.")
  String duration;

  @Option(names = "--warmup", defaultValue = "10s", description = "Load before measuring. Default: ${DEFAULT-VALUE}.")
  String warmup;

  @Option(names = "--config-refresh", defaultValue = "5s", description = "hbs's strategy-set rebuild interval "
      + "during the heartbeat run (hbs.configRefresh); a longer one shows what the periodic rebuild costs the "
      + "heartbeats. Default: ${DEFAULT-VALUE}, as hbs.")
  String configRefresh;

  @Option(names = "--resolve", description = "Time the strategy set's rebuild and fetch instead of heartbeats.")
  boolean resolve;

  @Option(names = "--rounds", defaultValue = "5", description = "With --resolve. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Override
  public Integer call() throws Exception {
    if (rate < 1 || rate > 1_000_000 || rounds < 1) {
      System.err.println("--rate must be within 1..1000000 and --rounds at least 1");
      return 2;
    }
    BenchFleet fleet = new BenchFleet(hosts, groups, templates, strategies);
    Path temp = jdbcUrl == null ? Files.createTempDirectory("peregrine-bench-hbs") : null;
    String url = temp == null ? jdbcUrl : "jdbc:h2:file:" + temp.resolve("hbs") + ";MODE=MySQL;"
        + "DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;NON_KEYWORDS=VALUE";
    try {
      System.out.println("load average before: " + Files.readString(Path.of("/proc/loadavg")).trim());
      String report = resolve
          ? ResolutionBench.run(url, jdbcUser, jdbcPassword, fleet, rounds).report()
          : HeartbeatBench.run(new HeartbeatBench.Options(url, jdbcUser, jdbcPassword, fleet, rate,
              Durations.parse(duration), Durations.parse(warmup), Durations.parse(configRefresh))).report();
      System.out.println(report);
      System.out.println("load average after: " + Files.readString(Path.of("/proc/loadavg")).trim());
      return 0;
    } finally {
      if (temp != null) {
        try (Stream<Path> files = Files.walk(temp)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
