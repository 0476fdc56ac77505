package io.peregrine.bench;

import io.peregrine.bench.push.LoadGenerator;
import io.peregrine.bench.push.PushConfig;
import io.peregrine.bench.push.PushMode;
import io.peregrine.bench.push.PushStats;
import io.peregrine.proto.v1.CounterType;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peregrine bench push}: the load generator. */
@Command(
    name = "push",
    sortOptions = false,
    description = {
        "Send samples to transfer and report accepted samples/s, rejects, errors and latency.",
        "Series = endpoints x metrics; every request is built before the run (timestamp 0 = the receiver's now).",
        "Prints a progress line per second, then one summary line. Exit code 0 when samples were accepted, "
            + "1 when none were, 2 for bad options."},
    footer = {"",
        "Examples:",
        "  peregrine bench push --mode grpc-stream --duration 30s",
        "  peregrine bench push --mode http --target 10.0.0.5:6060 --rate 200000"})
final class PushCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "grpc-unary", converter = ModeConverter.class,
      description = "grpc-unary (Transfer.Push), grpc-stream (Transfer.PushStream, one response per batch) or "
          + "http (Open-Falcon JSON POST /api/push). Default: ${DEFAULT-VALUE}.")
  PushMode mode;

  @Option(names = "--target", paramLabel = "HOST:PORT",
      description = "Where to send. Default: 127.0.0.1:8434 for the gRPC modes, 127.0.0.1:6060 for http.")
  String target;

  @Option(names = "--endpoints", paramLabel = "N", defaultValue = "" + PushConfig.DEFAULT_ENDPOINTS,
      description = "Distinct endpoints (hosts). Default: ${DEFAULT-VALUE}.")
  int endpoints;

  @Option(names = "--metrics", paramLabel = "N", defaultValue = "" + PushConfig.DEFAULT_METRICS,
      description = "Metrics per endpoint; series = endpoints x metrics. Default: ${DEFAULT-VALUE}.")
  int metrics;

  @Option(names = "--tags", paramLabel = "N", defaultValue = "0",
      description = "Tags per series (t0=v0,t1=v1,...), 0..32; they add bytes, not series. Default: ${DEFAULT-VALUE}.")
  int tags;

  @Option(names = "--batch", paramLabel = "SAMPLES", defaultValue = "" + PushConfig.DEFAULT_BATCH_SIZE,
      description = "Samples per request, 1..10000. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--connections", paramLabel = "N", defaultValue = "" + PushConfig.DEFAULT_CONNECTIONS,
      description = "gRPC channels, or HTTP connections; one sending thread each. Default: ${DEFAULT-VALUE}.")
  int connections;

  @Option(names = "--window", paramLabel = "REQUESTS", defaultValue = "" + PushConfig.DEFAULT_WINDOW,
      description = "Requests in flight per connection (gRPC unary calls, or batches awaiting their response on a "
          + "stream); http is always 1. Default: ${DEFAULT-VALUE}.")
  int window;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
      description = "Measured time (500ms, 30s, 5m). Default: ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
      description = "Time sent before measuring, not counted (0 = none). Default: ${DEFAULT-VALUE}.")
  Duration warmup;

  @Option(names = "--rate", paramLabel = "SAMPLES/S", defaultValue = "0",
      description = "Total samples per second over all connections, paced per connection; 0 = as fast as the "
          + "target answers. Default: ${DEFAULT-VALUE}.")
  long rate;

  @Option(names = "--counter-type", paramLabel = "TYPE", defaultValue = "GAUGE",
      converter = CounterTypeConverter.class,
      description = "GAUGE, COUNTER or DERIVE. Default: ${DEFAULT-VALUE}.")
  CounterType counterType;

  @Option(names = "--step", paramLabel = "SECONDS", defaultValue = "" + PushConfig.DEFAULT_STEP_SECONDS,
      description = "Step of every sample, seconds, 1..86400. Default: ${DEFAULT-VALUE}.")
  int step;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
      description = "Deadline of one request (grpc-unary, http). Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--http-path", paramLabel = "PATH", defaultValue = PushConfig.DEFAULT_HTTP_PATH,
      description = "Path of the HTTP push API (/v1/push to load an agent). Default: ${DEFAULT-VALUE}.")
  String httpPath;

  @CommandLine.Mixin
  TlsOptions tls = new TlsOptions();

  PushConfig config() {
    return new PushConfig(mode, target, endpoints, metrics, tags, batch, connections, window, duration, warmup, rate,
        counterType, step, timeout, httpPath, tls.client());
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PushConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("bench push: " + e.getMessage());
      return 2;
    }
    LoadGenerator generator = new LoadGenerator(config);
    PushStats stats;
    try (CtrlC ignored = new CtrlC("bench-push", generator::stop)) {
      stats = generator.run(line -> {
        out.println(line);
        out.flush();
      });
      out.println(stats.summaryLine());
      if (stats.firstReject() != null) {
        out.println("bench push: first reject: " + stats.firstReject());
      }
      if (stats.firstError() != null) {
        out.println("bench push: first error: " + stats.firstError());
      }
      out.flush();
    }
    return stats.acceptedSamples() > 0 ? 0 : 1;
  }
}
