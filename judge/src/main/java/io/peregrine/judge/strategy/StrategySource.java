package io.peregrine.judge.strategy;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.config.Durations;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.judge.eval.RuleLookup;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.StrategiesRequest;
import io.peregrine.proto.v1.StrategySet;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls the strategy set from hbs ({@code Hbs.GetStrategies(known_version)}) at start and every refresh interval,
 * and publishes it as an immutable {@link StrategyIndex} behind one volatile reference: the judge's only runtime
 * configuration path. An unchanged answer keeps the current index; an unreachable hbs keeps the last good one
 * (logged once per outage, every failure counted). Start never fails because hbs is down: until the first answer,
 * nothing is judged, and {@code /health} says so.
 */
public final class StrategySource implements Component, Supplier<RuleLookup> {
  private static final Logger log = LoggerFactory.getLogger(StrategySource.class);
  /** hbs answers from memory; anything slower than this is an outage, and the next refresh tries again. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  /** Bounds the "already reported" memory when hbs keeps sending new broken strategies. */
  private static final int MAX_REPORTED = 10_000;

  private final String hbsAddress;
  private final Duration refresh;
  private final int historySize;
  private final boolean agentLost;
  private final Counter refreshes;
  private final Counter failures;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean outage = new AtomicBoolean();
  private final Set<RuleProblem> reported = ConcurrentHashMap.newKeySet();
  private volatile StrategyIndex current = StrategyIndex.EMPTY;
  private volatile boolean loaded;
  private volatile TlsMaterial tls = TlsMaterial.plaintext("strategysource");
  private volatile ManagedChannel channel;
  private volatile ScheduledExecutorService scheduler;

  public StrategySource(String hbsAddress, Duration refresh, int historySize, MeterRegistry registry) {
    this(hbsAddress, refresh, historySize, false, registry);
  }

  /** @param agentLost agent-lost alerts are on (see {@link StrategyIndex#build(StrategySet, int, boolean)}) */
  public StrategySource(String hbsAddress, Duration refresh, int historySize, boolean agentLost,
      MeterRegistry registry) {
    this.agentLost = agentLost;
    this.hbsAddress = hbsAddress;
    this.refresh = refresh;
    this.historySize = historySize;
    this.refreshes = Counter.builder("judge.strategy.refreshes")
        .description("strategy set pulls answered by hbs").register(registry);
    this.failures = Counter.builder("judge.strategy.refresh.failures")
        .description("strategy set pulls that failed (hbs unreachable or erroring)").register(registry);
    Gauge.builder("judge.strategy.version", this, s -> s.current.version())
        .description("version of the strategy set in use (0 = none yet)").register(registry);
    Gauge.builder("judge.strategies", this, s -> s.current.strategyCount())
        .description("distinct strategies in use").register(registry);
    Gauge.builder("judge.expressions", this, s -> s.current.expressionCount())
        .description("unpaused expressions in use").register(registry);
    Gauge.builder("judge.strategies.skipped", this, s -> s.current.skipped().size())
        .description("strategies and expressions left out because they cannot be judged").register(registry);
  }

  /** TLS of the channel to hbs (the component's {@code tls} block); call before {@link #start()}. */
  public StrategySource tls(TlsMaterial tls) {
    this.tls = tls;
    return this;
  }

  @Override
  public String name() {
    return "judge-strategies";
  }

  @Override
  public void start() {
    channel = GrpcChannels.forAddress(hbsAddress, tls);
    scheduler = NamedExecutors.scheduled("judge-strategies");
    scheduler.scheduleWithFixedDelay(this::refresh, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    log.info("judge: pulling strategies from hbs at {} every {}", hbsAddress, Durations.format(refresh));
  }

  @Override
  public StrategyIndex get() {
    return current;
  }

  /** True once hbs answered at least once. */
  public boolean loaded() {
    return loaded;
  }

  /** One pull; never throws, so the schedule survives every failure. */
  void refresh() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    try {
      StrategySet set = HbsGrpc.newBlockingStub(channel)
          .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .getStrategies(StrategiesRequest.newBuilder().setKnownVersion(loaded ? current.version() : 0).build());
      refreshes.increment();
      if (outage.getAndSet(false)) {
        log.info("judge: hbs at {} answers again", hbsAddress);
      }
      if (!(set.getUnchanged() && loaded)) {
        install(set);
      }
    } catch (StatusRuntimeException e) {
      failed(e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
    } catch (RuntimeException e) {
      failed(e.toString(), e);
    } finally {
      running.set(false);
    }
  }

  void install(StrategySet set) {
    StrategyIndex index = StrategyIndex.build(set, historySize, agentLost);
    current = index;
    loaded = true;
    if (reported.size() > MAX_REPORTED) {
      reported.clear();
    }
    for (RuleProblem p : index.skipped()) {
      if (reported.add(p)) {
        log.warn("judge: skipping {} {} ({}): {}", p.kind(), p.id(), p.func(), p.reason());
      }
    }
    for (RuleProblem p : index.warnings()) {
      if (reported.add(p)) {
        log.warn("judge: {} {} ({}): {}", p.kind(), p.id(), p.func(), p.reason());
      }
    }
    log.info("judge: strategy set version {} in use: {} strategies on {} hosts, {} expressions, {} skipped",
        index.version(), index.strategyCount(), index.hostCount(), index.expressionCount(), index.skipped().size());
  }

  private void failed(String reason, Exception e) {
    failures.increment();
    if (!outage.getAndSet(true)) {
      if (loaded) {
        log.warn("judge: cannot pull strategies from hbs at {} ({}); keeping strategy set version {}, retrying "
            + "every {}", hbsAddress, reason, current.version(), Durations.format(refresh));
      } else {
        log.warn("judge: cannot pull strategies from hbs at {} ({}); nothing is judged until it answers, retrying "
            + "every {}", hbsAddress, reason, Durations.format(refresh));
      }
      log.debug("judge: hbs failure detail", e);
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    if (scheduler != null) {
      NamedExecutors.shutdown(scheduler, name(), Duration.ofSeconds(2));
    }
    if (channel != null) {
      GrpcChannels.close(channel);
    }
  }
}
