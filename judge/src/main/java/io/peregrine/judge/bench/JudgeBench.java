package io.peregrine.judge.bench;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.server.GrpcServerHost;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
    CountDownLatch done = new CountDownLatch(perThread.size());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (List<SampleBatch> mine : perThread) {
      Thread t = new Thread(() -> {
        try {
          for (int i = from; i < to; i++) {
            pusher.push(mine.get(i));
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }, "bench-judge-feeder");
      threads.add(t);
      t.start();
    }
    done.await();
    if (failure.get() != null) {
      throw new IllegalStateException("bench judge: a feeder failed: " + failure.get(), failure.get());
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

  /** For a quick look without the launcher: {@code java ... JudgeBench [hosts strategies seriesPerHost threads]}. */
  public static void main(String[] args) throws Exception {
    int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int strategies = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int series = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 40;
    int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 8;
    System.out.println(new JudgeBench().run(new Options(hosts, strategies, series, threads, 1000, rounds, warmup,
        1000, false)).describe());
  }
}
