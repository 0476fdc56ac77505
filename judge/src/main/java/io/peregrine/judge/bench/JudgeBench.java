package io.peregrine.judge.bench;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.judge.JudgeConfig;
import io.peregrine.judge.api.JudgeServiceImpl;
import io.peregrine.judge.eval.Evaluator;
import io.peregrine.judge.eval.HistoryStore;
import io.peregrine.judge.strategy.StrategyIndex;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.HostStrategies;
import io.peregrine.proto.v1.JudgeGrpc;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.Strategy;
import io.peregrine.proto.v1.StrategySet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The judge's throughput on this machine: {@code hosts} hosts bound to one template of {@code strategies}
 * strategies ({@code all(#3) > 50} on metrics {@code bench.m0..}), {@code seriesPerHost} series per host (tag
 * {@code i=<n>}, spread over the metrics), fed as batches by {@code threads} threads calling the production
 * {@code Judge.Push} service method directly (or over loopback gRPC). Each series fires once every
 * {@code firePeriod} rounds (three high values, then back), so events are PROBLEM + OK pairs; the sink counts them.
 *
 * <p>All batches are built before the clock starts (one round = one sample per series, timestamps a step apart),
 * endpoint/metric/tags strings shared across rounds. The first {@code warmupRounds} rounds fill the histories and
 * warm the JIT; the report covers the rest: samples/s by wall clock, process CPU per sample (all threads: GC and
 * JIT included), events/s and the resident set size at the end.
 */
public final class JudgeBench {
  /** The bench's settings. */
  public record Options(int hosts, int strategies, int seriesPerHost, int threads, int batchSize, int rounds,
      int warmupRounds, int firePeriod, boolean grpc) {
    public Options {
      if (hosts < 1 || strategies < 1 || seriesPerHost < 1 || threads < 1 || batchSize < 1 || batchSize > 10_000
          || rounds <= warmupRounds || warmupRounds < 3 || firePeriod < 4) {
        throw new IllegalArgumentException("bench judge: hosts, strategies, series, threads >= 1; batch 1..10000; "
            + "warmup >= 3; rounds > warmup; fire period >= 4");
      }
    }
  }

  /** What one run measured. */
  public record Report(int series, int strategies, long samples, double seconds, double samplesPerSecond,
      double cpuMicrosPerSample, long events, double eventsPerSecond, long rssBytes, boolean grpc) {
    public String describe() {
      return String.format("judge bench (%s): %,d series, %,d strategies: %,d samples in %.2f s = %,.0f samples/s, "
              + "%.3f us CPU/sample, %,d events (%,.0f/s), RSS %,d MB", grpc ? "gRPC loopback" : "in-process",
          series, strategies, samples, seconds, samplesPerSecond, cpuMicrosPerSample, events, eventsPerSecond,
          rssBytes >> 20);
    }
  }

  public Report run(Options o) throws Exception {
    StrategySet set = strategySet(o);
    StrategyIndex index = StrategyIndex.build(set, JudgeConfig.DEFAULT_HISTORY_SIZE);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Clock clock = Clock.systemUTC();
    LongAdder events = new LongAdder();
    Evaluator evaluator = new Evaluator(new HistoryStore(JudgeConfig.DEFAULT_HISTORY_SIZE, clock, registry),
        () -> index, e -> {
          events.increment();
          return true;
        }, JudgeConfig.DEFAULT_HISTORY_SIZE, JudgeConfig.DEFAULT_MIN_INTERVAL, clock, registry);
    JudgeServiceImpl service = new JudgeServiceImpl(evaluator, clock, registry);
    List<List<SampleBatch>> perThread = batches(o);

    GrpcServerHost server = null;
    ManagedChannel channel = null;
    Pusher pusher;
    if (o.grpc()) {
      server = new GrpcServerHost("bench-judge", "127.0.0.1:0", Math.max(2, o.threads()), List.of(service));
      server.start();
      channel = GrpcChannels.forAddress("127.0.0.1:" + server.port());
      JudgeGrpc.JudgeBlockingStub stub = JudgeGrpc.newBlockingStub(channel);
      pusher = batch -> stub.withDeadlineAfter(30, TimeUnit.SECONDS).push(batch);
    } else {
      pusher = batch -> {
        Answer a = new Answer();
        service.push(batch, a);
        if (a.error != null) {
          throw new IllegalStateException(a.error);
        }
      };
    }
    try {
      int batchesPerRound = perThread.get(0).size() / o.rounds();
      long warmupEvents;
      // warm-up rounds, then the measured ones, every thread in step per phase
      feed(perThread, pusher, 0, o.warmupRounds() * batchesPerRound);
      warmupEvents = events.sum();
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      feed(perThread, pusher, o.warmupRounds() * batchesPerRound, o.rounds() * batchesPerRound);
      long wall = System.nanoTime() - t0;
      long cpu = processCpuNanos() - cpu0;
      long samples = (long) (o.rounds() - o.warmupRounds()) * o.hosts() * o.seriesPerHost();
      long measuredEvents = events.sum() - warmupEvents;
      double seconds = wall / 1e9;
      return new Report(o.hosts() * o.seriesPerHost(), o.hosts() * o.strategies(), samples, seconds,
          samples / seconds, cpu / 1e3 / samples, measuredEvents, measuredEvents / seconds, rssBytes(), o.grpc());
    } finally {
      if (channel != null) {
        GrpcChannels.close(channel);
      }
      if (server != null) {
        server.close();
      }
    }
  }

  @FunctionalInterface
  private interface Pusher {
    void push(SampleBatch batch) throws Exception;
  }

  private static final class Answer implements StreamObserver<PushResponse> {
    Throwable error;

    @Override
    public void onNext(PushResponse value) {
      if (value.getRejected() > 0) {
        error = new IllegalStateException("bench batch rejected: " + value.getRejects(0).getReason());
      }
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      // nothing to do
    }
  }

  private static void feed(List<List<SampleBatch>> perThread, Pusher pusher, int from, int to) throws Exception {
    ExecutorService feeders = NamedExecutors.fixed("bench-judge-feeder", perThread.size(), perThread.size(),
        new ThreadPoolExecutor.AbortPolicy());
    try {
      List<Future<?>> running = new ArrayList<>();
      for (List<SampleBatch> mine : perThread) {
        running.add(feeders.submit(() -> {
          for (int i = from; i < to; i++) {
            pusher.push(mine.get(i));
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("bench judge: a feeder failed: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      NamedExecutors.shutdown(feeders, "bench-judge-feeder", Duration.ofSeconds(5));
    }
  }

  static StrategySet strategySet(Options o) {
    List<Strategy> template = new ArrayList<>();
    for (int j = 0; j < o.strategies(); j++) {
      template.add(Strategy.newBuilder().setId(j + 1).setMetric("bench.m" + j).setFunc("all(#3)")
          .setOperator(">").setRightValue(50).setMaxStep(3).setPriority(3).setTemplateId(1).setActionId(1)
          .build());
    }
    StrategySet.Builder set = StrategySet.newBuilder().setVersion(1);
    for (int h = 0; h < o.hosts(); h++) {
      set.addHosts(HostStrategies.newBuilder().setHostname(host(h)).addAllStrategies(template));
    }
    return set.build();
  }

  private static String host(int h) {
    return "bench-host-" + h;
  }

  /**
   * Per thread, its batches in order: thread t owns hosts t, t + threads, ...; one round of all its series is
   * cut into batches, rounds follow each other, so a thread's series always arrive in time order.
   */
  static List<List<SampleBatch>> batches(Options o) {
    long t0 = System.currentTimeMillis() / 1000 - (long) o.rounds() * 60;
    List<List<SampleBatch>> out = new ArrayList<>();
    for (int t = 0; t < o.threads(); t++) {
      List<String[]> series = new ArrayList<>();
      for (int h = t; h < o.hosts(); h += o.threads()) {
        for (int i = 0; i < o.seriesPerHost(); i++) {
          series.add(new String[] {host(h), "bench.m" + (i % o.strategies()), "i=" + i});
        }
      }
      int perRound = (series.size() + o.batchSize() - 1) / o.batchSize();
      List<SampleBatch> mine = new ArrayList<>(perRound * o.rounds());
      for (int r = 0; r < o.rounds(); r++) {
        SampleBatch.Builder b = SampleBatch.newBuilder();
        for (int k = 0; k < series.size(); k++) {
          String[] s = series.get(k);
          double value = (r + k) % o.firePeriod() < 3 ? 100 : 1;
          b.addSamples(Sample.newBuilder().setEndpoint(s[0]).setMetric(s[1]).setTags(s[2]).setValue(value)
              .setTimestamp(t0 + r * 60L).setStep(60).setCounterType(CounterType.GAUGE));
          if (b.getSamplesCount() == o.batchSize()) {
            mine.add(b.build());
            b = SampleBatch.newBuilder();
          }
        }
        if (b.getSamplesCount() > 0) {
          mine.add(b.build());
        }
      }
      out.add(mine);
    }
    return out;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** VmRSS from /proc (Linux), 0 elsewhere. */
  static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
