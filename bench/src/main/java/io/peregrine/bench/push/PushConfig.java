package io.peregrine.bench.push;

import io.peregrine.common.config.Checks;
import io.peregrine.common.model.Limits;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.proto.v1.CounterType;
import java.time.Duration;
import java.util.Objects;

/**
 * What the load generator sends, where, and how hard.
 *
 * @param mode protocol: gRPC unary, gRPC stream or Open-Falcon HTTP
 * @param target {@code host:port} of transfer (or anything speaking the same protocol); null = the mode's default
 * @param endpoints distinct endpoints; series = endpoints x metrics
 * @param metrics distinct metrics per endpoint
 * @param tags tags per series ({@code t0=v0,t1=v1,...}, the same on every series: they add bytes, not series)
 * @param batchSize samples per request (gRPC message or HTTP body)
 * @param connections gRPC channels, or HTTP connections (one sending thread each)
 * @param window requests in flight per connection (gRPC unary calls, or batches awaiting their answer on a
 *     stream); HTTP always has one, as HTTP/1.1 does not pipeline
 * @param duration measured time
 * @param warmup time sent before measuring (JIT, connection set-up), not counted
 * @param rate total samples per second over all connections, 0 = as fast as the target answers
 * @param counterType counter type of every sample
 * @param step step of every sample, seconds
 * @param timeout deadline of one request (unary gRPC and HTTP; a stream has none)
 * @param httpPath path of the HTTP push API ({@code /api/push} on transfer, {@code /v1/push} on the agent)
 * @param tls TLS of the gRPC channels and HTTP connections ({@code client} on = TLS); off = plaintext
 */
public record PushConfig(
    PushMode mode,
    String target,
    int endpoints,
    int metrics,
    int tags,
    int batchSize,
    int connections,
    int window,
    Duration duration,
    Duration warmup,
    long rate,
    CounterType counterType,
    int step,
    Duration timeout,
    String httpPath,
    TlsConfig tls) {
  /** The most requests in flight per connection that --window may ask for. */
  public static final int MAX_WINDOW = 1_024;

  public static final int DEFAULT_ENDPOINTS = 1_000;
  public static final int DEFAULT_METRICS = 10;
  /** A hundred samples is what an agent sends per push: the realistic request size, not the most flattering one. */
  public static final int DEFAULT_BATCH_SIZE = 100;
  /** Two per core of a small transfer host: enough to keep its threads busy without measuring connection churn. */
  public static final int DEFAULT_CONNECTIONS = 4;
  /** Enough in flight to hide one loopback or LAN round trip, few enough that the generator cannot flood transfer. */
  public static final int DEFAULT_WINDOW = 8;
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);
  public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(5);
  /** Agents collect every minute: Open-Falcon's default step. */
  public static final int DEFAULT_STEP_SECONDS = 60;
  /** Transfer's own forwarding deadline: a request slower than that is failing, not slow. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final String DEFAULT_HTTP_PATH = "/api/push";
  /** The pool holds every series once: about 200 bytes of heap each (message and encoding), ~2 GB at this bound. */
  public static final long MAX_SERIES = 10_000_000L;

  /** Plaintext. */
  public PushConfig(PushMode mode, String target, int endpoints, int metrics, int tags, int batchSize,
      int connections, int window, Duration duration, Duration warmup, long rate, CounterType counterType, int step,
      Duration timeout, String httpPath) {
    this(mode, target, endpoints, metrics, tags, batchSize, connections, window, duration, warmup, rate,
        counterType, step, timeout, httpPath, TlsConfig.off());
  }

  public PushConfig {
    tls = tls == null ? TlsConfig.off() : tls;
    Objects.requireNonNull(mode, "mode");
    target = target == null || target.isBlank() ? mode.defaultTarget() : target.trim();
    Checks.address("target", target);
    Checks.positive("endpoints", endpoints);
    Checks.positive("metrics", metrics);
    if ((long) endpoints * metrics > MAX_SERIES) {
      throw new IllegalArgumentException("endpoints x metrics must be at most " + MAX_SERIES + " series: "
          + endpoints + " x " + metrics);
    }
    Checks.inRange("tags", tags, 0, Limits.MAX_TAGS);
    Checks.inRange("batch", batchSize, 1, Limits.MAX_BATCH_SAMPLES);
    Checks.inRange("connections", connections, 1, 1_024);
    Checks.inRange("window", window, 1, MAX_WINDOW);
    Checks.positive("duration", duration);
    if (warmup == null || warmup.isNegative()) {
      throw new IllegalArgumentException("warmup must be zero or a positive duration: " + warmup);
    }
    if (rate < 0) {
      throw new IllegalArgumentException("rate must be 0 (unlimited) or a number of samples per second: " + rate);
    }
    if (counterType == null || counterType == CounterType.COUNTER_TYPE_UNSPECIFIED
        || counterType == CounterType.UNRECOGNIZED) {
      throw new IllegalArgumentException("counter-type must be GAUGE, COUNTER or DERIVE: " + counterType);
    }
    Checks.inRange("step", step, Limits.MIN_STEP_SECONDS, Limits.MAX_STEP_SECONDS);
    Checks.positive("timeout", timeout);
    httpPath = httpPath == null || httpPath.isBlank() ? DEFAULT_HTTP_PATH : httpPath.trim();
    if (!httpPath.startsWith("/")) {
      throw new IllegalArgumentException("http-path must start with '/': " + httpPath);
    }
  }

  /** Every default, for {@code mode}. */
  public static PushConfig defaults(PushMode mode) {
    return new PushConfig(mode, null, DEFAULT_ENDPOINTS, DEFAULT_METRICS, 0, DEFAULT_BATCH_SIZE, DEFAULT_CONNECTIONS,
        DEFAULT_WINDOW, DEFAULT_DURATION, DEFAULT_WARMUP, 0, CounterType.GAUGE, DEFAULT_STEP_SECONDS,
        DEFAULT_TIMEOUT, DEFAULT_HTTP_PATH);
  }

  public long series() {
    return (long) endpoints * metrics;
  }

  /** Requests in flight per connection that the protocol can actually use. */
  int effectiveWindow() {
    return mode == PushMode.HTTP ? 1 : window;
  }
}
