package io.peregrine.judge.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.peregrine.common.model.Limits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.judge.JudgeConfig;
import io.peregrine.judge.api.JudgeServiceImpl;
import io.peregrine.judge.eval.Evaluator;
import io.peregrine.judge.eval.EventSink;
import io.peregrine.judge.eval.HistoryStore;
import io.peregrine.judge.publish.PendingAlerts;
import io.peregrine.judge.publish.RedisAlertPublisher;
import io.peregrine.judge.strategy.StrategyIndex;
import io.peregrine.proto.v1.JudgeGrpc;
import io.peregrine.proto.v1.PushResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The judge's throughput on this machine: {@code hosts} hosts bound to one template ({@code strategies / hosts}
 * strategies {@code all(#3) > 50} on metrics {@code bench.m0..}), {@code series} series (per host tag {@code i=<n>},
 * spread over the metrics), fed as pre-encoded batches by {@code threads} threads into the production
 * {@code Judge.Push} service method, over loopback gRPC with {@code grpc}, or paced at {@code rate} samples/s with
 * events going to a real Redis ({@code redisUrl}) to measure how long a sample takes to become an event in Redis.
 * Each series fires once every {@code firePeriod} rounds (three high values, then back), so events are PROBLEM + OK
 * pairs.
 *
 * <p>All batches are encoded before the clock starts (one round = one sample per series, timestamps a step apart);
 * see {@link BenchBatches}. The first {@code warmupRounds} rounds fill the histories and warm the JIT; the report
 * covers the rest: samples/s by wall clock, process CPU per sample (all threads: GC, JIT, gRPC included) and the
 * feeding threads' own CPU per sample, events/s, the resident set size and the heap per series at the end.
 */
public final class JudgeBench {
  /** The bench's settings. */
  public record Options(int hosts, int strategies, int series, int threads, int batchSize, int rounds,
      int warmupRounds, int firePeriod, boolean grpc, String redisUrl, int rate) {
    public Options {
      if (hosts < 1 || strategies < hosts || series < hosts || threads < 1 || batchSize < 1 || batchSize > 10_000
          || rounds <= warmupRounds || warmupRounds < 3 || firePeriod < 4 || rate < 0
          || (redisUrl != null && (grpc || rate == 0))) {
        throw new IllegalArgumentException("bench judge: hosts >= 1, strategies and series >= hosts; threads >= 1; "
            + "batch 1..10000; warmup >= 3; rounds > warmup; fire period >= 4; --redis needs --rate and no --grpc");
      }
    }

    public Options(int hosts, int strategies, int series, int threads, int batchSize, int rounds, int warmupRounds,
        int firePeriod, boolean grpc) {
      this(hosts, strategies, series, threads, batchSize, rounds, warmupRounds, firePeriod, grpc, null, 0);
    }

    int strategiesPerHost() {
      return strategies / hosts;
    }

    int seriesPerHost() {
      return series / hosts;
    }
  }

  /** What one run measured. */
  public record Report(int series, int strategies, long samples, double seconds, double samplesPerSecond,
      double cpuMicrosPerSample, double feederCpuMicrosPerSample, long events, double eventsPerSecond,
      long rssBytes, long heapBytesPerSeries, String mode, Latency latency) {
    public String describe() {
      return String.format("judge bench (%s): %,d series, %,d strategies: %,d samples in %.2f s = %,.0f samples/s, "
              + "%.3f us CPU/sample (process), %.3f us (feeding threads), %,d events (%,.0f/s), RSS %,d MB, "
              + "heap %,d bytes/series%s", mode, series, strategies, samples, seconds, samplesPerSecond,
          cpuMicrosPerSample, feederCpuMicrosPerSample, events, eventsPerSecond, rssBytes >> 20, heapBytesPerSeries,
          latency == null ? "" : "; " + latency.describe());
    }
  }

  /**
   * Sample arrival (the batch handed to Judge.Push) to its event written in Redis; where the time went: arrival to
   * the start of the script call that wrote it (judging, the pending buffer, waiting for the call before), and the
   * script calls themselves; the collector's pauses in the measured rounds.
   */
  public record Latency(long events, double p50Millis, double p99Millis, double maxMillis, double waitP99Millis,
      long calls, double eventsPerCall, double callP50Millis, double callP99Millis, double callMaxMillis,
      long gcPauses, double gcPauseMillis) {
    String describe() {
      return String.format("arrival to Redis over %,d events: p50 %.2f ms, p99 %.2f ms, max %.2f ms; until the "
              + "call: p99 %.2f ms; %,d script calls of %.1f events: p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
              + "%d GC pauses, %.0f ms in all", events, p50Millis, p99Millis, maxMillis, waitP99Millis, calls,
          eventsPerCall, callP50Millis, callP99Millis, callMaxMillis, gcPauses, gcPauseMillis);
    }
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  public Report run(Options o) throws Exception {
    StrategyIndex index = StrategyIndex.build(BenchBatches.strategySet(o), JudgeConfig.DEFAULT_HISTORY_SIZE);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Clock clock = Clock.systemUTC();
    LongAdder events = new LongAdder();
    RedisLatency redis = o.redisUrl() == null ? null : new RedisLatency(o.redisUrl(),
        "peregrine-bench-judge-" + UUID.randomUUID() + ":", registry);
    EventSink sink = redis != null ? redis.sink(events) : e -> {
      events.increment();
      return true;
    };
    HistoryStore history = new HistoryStore(JudgeConfig.DEFAULT_HISTORY_SIZE, clock, registry);
    Evaluator evaluator = new Evaluator(history, () -> index, sink, JudgeConfig.DEFAULT_HISTORY_SIZE,
        JudgeConfig.DEFAULT_MIN_INTERVAL, clock, registry);
    JudgeServiceImpl service = new JudgeServiceImpl(evaluator, clock, registry);
    List<List<byte[]>> perThread = BenchBatches.encode(o);

    GrpcServerHost server = null;
    ManagedChannel channel = null;
    NioEventLoopGroup clientLoops = null;
    BenchFeeder.Pusher pusher;
    if (o.grpc()) {
      server = new GrpcServerHost("bench-judge", "127.0.0.1:0", Math.max(2, o.threads()), List.of(service));
      server.start();
      clientLoops = new NioEventLoopGroup(1, new DefaultThreadFactory("bench-judge-client-loop", true));
      // the client's own event loop, so the report can tell the client's transport CPU from the server's
      channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
          .eventLoopGroup(clientLoops).channelType(NioSocketChannel.class)
          .maxInboundMessageSize(Limits.MAX_MESSAGE_BYTES).build();
      ManagedChannel ch = channel;
      MethodDescriptor<byte[], PushResponse> push = JudgeGrpc.getPushMethod()
          .toBuilder(BYTES, ProtoUtils.marshaller(PushResponse.getDefaultInstance())).build();
      pusher = batch -> check(ClientCalls.blockingUnaryCall(ch, push,
          CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), batch));
    } else {
      pusher = batch -> {
        BenchFeeder.Answer a = new BenchFeeder.Answer();
        if (redis != null) {
          redis.arrived(System.nanoTime());
        }
        service.push(batch, a);
        a.check();
      };
    }
    try {
      BenchFeeder feeder = new BenchFeeder(perThread, pusher, o.rate());
      int batchesPerRound = perThread.get(0).size() / o.rounds();
      long heap0 = BenchFeeder.usedHeapAfterGc();
      feeder.feed(0, o.warmupRounds() * batchesPerRound);
      if (redis != null) {
        redis.startMeasuring();
      }
      long warmupEvents = events.sum();
      long cpu0 = BenchFeeder.processCpuNanos();
      long t0 = System.nanoTime();
      long feederCpu = feeder.feed(o.warmupRounds() * batchesPerRound, o.rounds() * batchesPerRound);
      long wall = System.nanoTime() - t0;
      long cpu = BenchFeeder.processCpuNanos() - cpu0;
      long samples = (long) (o.rounds() - o.warmupRounds()) * o.hosts() * o.seriesPerHost();
      long measuredEvents = events.sum() - warmupEvents;
      Latency latency = redis != null ? redis.finish() : null;
      double seconds = wall / 1e9;
      long heapPerSeries = history.size() == 0 ? 0 : (BenchFeeder.usedHeapAfterGc() - heap0) / history.size();
      String mode = o.grpc() ? "gRPC loopback" : redis != null ? "in-process, events to Redis, paced at "
          + o.rate() + "/s" : "in-process";
      return new Report(o.hosts() * o.seriesPerHost(), o.hosts() * o.strategiesPerHost(), samples, seconds,
          samples / seconds, cpu / 1e3 / samples, feederCpu / 1e3 / samples, measuredEvents,
          measuredEvents / seconds, BenchFeeder.rssBytes(), heapPerSeries, mode, latency);
    } finally {
      if (channel != null) {
        GrpcChannels.close(channel);
      }
      if (server != null) {
        server.close();
      }
      if (clientLoops != null) {
        clientLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      }
      if (redis != null) {
        redis.close();
      }
    }
  }

  private static void check(PushResponse r) {
    if (r.getRejected() > 0) {
      throw new IllegalStateException("bench batch rejected: " + r.getRejects(0).getReason());
    }
  }
}
