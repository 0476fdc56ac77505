package io.peregrine.judge;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.event.AlertPublisher;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.common.auth.Gatekeeper;
import io.peregrine.common.auth.GrpcTokenInterceptor;
import io.peregrine.common.auth.Scope;
import io.peregrine.common.auth.TokenChecks;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.server.HttpServerHost;
import io.peregrine.common.server.SelfMetrics;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.judge.api.JudgeHttpRoutes;
import io.peregrine.judge.api.JudgeServiceImpl;
import io.peregrine.judge.eval.Evaluator;
import io.peregrine.judge.eval.HistoryStore;
import io.peregrine.judge.expr.ExprJudge;
import io.peregrine.judge.publish.PendingAlerts;
import io.peregrine.judge.publish.RedisAlertPublisher;
import io.peregrine.judge.state.EmbeddedStateStore;
import io.peregrine.judge.state.StateStore;
import io.peregrine.judge.state.StatefulPublisher;
import io.peregrine.judge.strategy.StrategySource;
import java.time.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The judge: receives samples from transfer ({@code Judge.Push}), keeps the newest points of each watched series,
 * judges them against the strategies and expressions pulled from hbs, and publishes alert events (Redis
 * {@code event:p0..p6}, or the publisher the launcher hands in).
 *
 * <p>Parts start in dependency order (publisher, pending buffer, history, strategies, gRPC, HTTP) and stop in
 * reverse, so on shutdown intake stops first and the pending events are flushed before the publisher closes.
 */
public final class JudgeServer implements Component {
  /** Long enough to push thousands of pending events to a healthy Redis, short enough for a Kubernetes grace period. */
  static final Duration FLUSH_DEADLINE = Duration.ofSeconds(5);
  private static final int HTTP_THREADS = 2;

  private final PrometheusMeterRegistry registry = SelfMetrics.newRegistry("judge");
  private final Lifecycle lifecycle = new Lifecycle("judge");
  private final StrategySource strategies;
  private final HistoryStore history;
  private final PendingAlerts pending;
  private final GrpcServerHost grpc;
  private final HttpServerHost http;

  /**
   * @param publisher where events go; null to build a Redis publisher from {@code judge.redisUrl} (then required)
   * @param clock the judge's clock: run windows, the minimum interval between events, the history sweep
   * @throws IllegalArgumentException when publisher is null and no Redis URL is configured
   */
  public JudgeServer(JudgeConfig config, AlertPublisher publisher, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    AlertPublisher target = publisher;
    String description;
    StateStore state = StateStore.MEMORY;
    if (target == null) {
      if (config.redisUrl().isEmpty()) {
        throw new IllegalArgumentException("judge: no alert publisher was given and judge.redisUrl is empty: "
            + "configure judge.redisUrl (PEREGRINE_JUDGE_REDIS_URL), e.g. redis://127.0.0.1:6379/0");
      }
      RedisAlertPublisher redis = lifecycle.add(new RedisAlertPublisher(config.redisUrl(), config.redisKeyPrefix()));
      target = redis;
      state = redis;
      description = redis.describe();
      FunctionCounter.builder("judge.alerts.deduplicated", redis, RedisAlertPublisher::deduplicated)
          .description("events not pushed because the stored state showed them delivered already (a retried "
              + "LPUSH that had run, or another judge's agent-lost event)").register(registry);
    } else {
      description = target instanceof RedisAlertPublisher r ? r.describe() : target.getClass().getSimpleName();
      if (target instanceof RedisAlertPublisher r) {
        state = r;
      } else if (!config.stateDir().isEmpty()) {
        EmbeddedStateStore embedded = lifecycle.add(new EmbeddedStateStore(Path.of(config.stateDir())));
        state = embedded;
        target = new StatefulPublisher(target, embedded);
        description = description + " (state in " + config.stateDir() + ")";
      }
    }
    AlertPublisher healthTarget = target;
    pending = lifecycle.add(new PendingAlerts(target, description, config.pendingAlertCapacity(), FLUSH_DEADLINE,
        registry));
    TlsMaterial tls = lifecycle.add(new TlsMaterial("judge", config.tls(), registry)
        .withCallToken(config.auth().token()));
    history = lifecycle.add(new HistoryStore(config.historySize(), clock, registry));
    strategies = lifecycle.add(new StrategySource(config.hbsAddress(), config.strategyRefresh(),
        config.historySize(), config.agentLostIntervals() > 0, registry).tls(tls));
    Evaluator evaluator = new Evaluator(history, strategies, pending, state, config.historySize(),
        config.minInterval(), clock, registry);
    lifecycle.add(new io.peregrine.judge.eval.SilenceChecker(evaluator));
    if (config.agentLostIntervals() > 0) {
      lifecycle.add(new io.peregrine.judge.agent.AgentLostWatch(config.hbsAddress(), config.strategyRefresh(),
          config.agentLostAfter(), strategies::get, evaluator, registry).tls(tls));
    }
    ExprJudge expressions = lifecycle.add(new ExprJudge(() -> strategies.get().multiMetricExpressions(),
        config.multiMetric(), config.historySize(), pending, state, config.minInterval(), clock, registry));
    grpc = lifecycle.add(new GrpcServerHost("judge-grpc", config.grpcListen(), config.grpcThreads(),
        List.of(new JudgeServiceImpl(evaluator, expressions, clock, registry)), tls));
    // pushes (transfer) need push or a verified client certificate; the inspection routes need admin
    Gatekeeper gate = TokenChecks.atHbs("judge", config.auth(), tls,
        (method, path) -> method.isEmpty() ? Scope.PUSH : Scope.ADMIN, registry);
    grpc.intercept(gate == null ? null : new GrpcTokenInterceptor(gate, config.auth().certPush()));
    HealthChecks health = new HealthChecks()
        .add("strategies", strategies::loaded)
        .add("publisher", healthTarget::healthy);
    http = lifecycle.add(new HttpServerHost("judge-http", config.httpListen(), HTTP_THREADS, registry, health,
        tls)).guard(gate, config.auth().metricsOpen());
    new JudgeHttpRoutes(strategies, history, expressions).addTo(http);
  }

  @Override
  public String name() {
    return "judge";
  }

  @Override
  public void start() throws Exception {
    lifecycle.start();
  }

  /** The bound gRPC port (after start). */
  public int grpcPort() {
    return grpc.port();
  }

  /** The bound HTTP port (after start). */
  public int httpPort() {
    return http.port();
  }

  /** True once hbs answered with a strategy set. */
  public boolean strategiesLoaded() {
    return strategies.loaded();
  }

  /** Events waiting for the publisher. */
  public int pendingAlerts() {
    return pending.size();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    lifecycle.close(); // idempotent: the lifecycle closes its parts once
  }
}
