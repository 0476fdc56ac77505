package io.peregrine.bench.push;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The result of a push run (after warmup): what was sent, what the target accepted and refused, what failed, and how
 * long the answers took.
 *
 * @param seconds measured time: from the end of warmup until the last answer came back
 * @param requests requests sent (batches)
 * @param sentSamples samples in those requests
 * @param acceptedSamples samples the target accepted
 * @param rejectedSamples samples the target refused, one by one, with a reason
 * @param failedSamples samples in requests that failed as a whole (see {@code errors})
 * @param unanswered requests with no answer when the run ended (the drain timed out); normally 0
 * @param errors failed requests by gRPC status code ({@code UNAVAILABLE}), HTTP status ({@code HTTP_503}) or I/O
 *     exception ({@code ConnectException})
 * @param rejectCodes refused samples by reject code ({@code BAD_VALUE}, {@code OVERLOADED})
 * @param p50Millis median latency of answered requests
 * @param cpuNanos this process's CPU time over the measured time, or -1 when the JVM cannot tell
 * @param firstError the first failure's key and message, or null
 * @param firstReject the first refused sample's code and reason, or null
 */
public record PushStats(
    PushMode mode,
    String target,
    double seconds,
    long requests,
    long sentSamples,
    long acceptedSamples,
    long rejectedSamples,
    long failedSamples,
    long unanswered,
    Map<String, Long> errors,
    Map<String, Long> rejectCodes,
    double p50Millis,
    double p99Millis,
    double p999Millis,
    double maxMillis,
    long cpuNanos,
    String firstError,
    String firstReject) {

  public PushStats {
    errors = Map.copyOf(errors);
    rejectCodes = Map.copyOf(rejectCodes);
  }

  /** Accepted samples per second of measured time. */
  public double samplesPerSecond() {
    return seconds <= 0 ? 0 : acceptedSamples / seconds;
  }

  /** Requests that failed as a whole. */
  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** This process's CPU microseconds per accepted sample, or -1 when unknown or nothing was accepted. */
  public double cpuMicrosPerSample() {
    return cpuNanos < 0 || acceptedSamples == 0 ? -1 : cpuNanos / 1_000.0 / acceptedSamples;
  }

  /** Cores this process kept busy on average over the measured time, or -1 when unknown. */
  public double cpuCores() {
    return cpuNanos < 0 || seconds <= 0 ? -1 : cpuNanos / 1e9 / seconds;
  }

  /** The one-line summary the command prints. */
  public String summaryLine() {
    return String.format(Locale.ROOT, "bench push: mode=%s target=%s duration=%.1fs requests=%d sent=%d accepted=%d"
            + " samples/s=%.0f rejected=%d rejects=%s errors=%s failed=%d unanswered=%d"
            + " latency_ms p50=%.3f p99=%.3f p99.9=%.3f max=%.3f generator_cpu_us/sample=%s generator_cpu_cores=%s",
        mode.label(), target, seconds, requests, sentSamples, acceptedSamples, samplesPerSecond(), rejectedSamples,
        braces(rejectCodes), braces(errors), failedSamples, unanswered, p50Millis, p99Millis, p999Millis, maxMillis,
        cpuMicrosPerSample() < 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", cpuMicrosPerSample()),
        cpuCores() < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", cpuCores()));
  }

  /** {@code {A=1,B=2}} sorted by key, {@code {}} when empty: one token, so the line splits on spaces. */
  static String braces(Map<String, Long> map) {
    return new TreeMap<>(map).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }
}
