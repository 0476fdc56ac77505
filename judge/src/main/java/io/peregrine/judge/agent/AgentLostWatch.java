package io.peregrine.judge.agent;

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
import io.peregrine.judge.eval.Evaluator;
import io.peregrine.judge.eval.Rule;
import io.peregrine.judge.strategy.StrategyIndex;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.HostAlive;
import io.peregrine.proto.v1.HostLiveness;
import io.peregrine.proto.v1.HostLivenessRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent-lost alerts: every refresh interval, pulls each host's last heartbeat from hbs
 * ({@code Hbs.GetHostLiveness}) and hands every host that has a strategy on {@code agent.alive} to the evaluator:
 * lost when hbs has not heard from it for {@code judge.agentLostIntervals} heartbeat intervals (on hbs's clock, so
 * clock skew between hosts does not matter), found otherwise. Hosts in maintenance are skipped (hbs also sends
 * them no strategies). A host without an {@code agent.alive} strategy raises nothing: that strategy's template
 * action is who is told. Every judge runs this; the stored state makes the event one per host across judges. A
 * nodata strategy on {@code agent.alive} is raised here only: with agent-lost alerts on, the strategy index keeps
 * it away from the samples' silence check, so one outage is one alert.
 */
public final class AgentLostWatch implements Component {
  private static final Logger log = LoggerFactory.getLogger(AgentLostWatch.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private final String hbsAddress;
  private final Duration every;
  private final long lostAfterSeconds;
  private final Supplier<StrategyIndex> rules;
  private final Evaluator evaluator;
  private final Counter failures;
  private final AtomicInteger lost = new AtomicInteger();
  private final AtomicBoolean outage = new AtomicBoolean();
  private volatile TlsMaterial tls = TlsMaterial.plaintext("agentlostwatch");
  private volatile ManagedChannel channel;
  private volatile ScheduledExecutorService scheduler;

  public AgentLostWatch(String hbsAddress, Duration every, Duration lostAfter, Supplier<StrategyIndex> rules,
      Evaluator evaluator, MeterRegistry registry) {
    this.hbsAddress = hbsAddress;
    this.every = every;
    this.lostAfterSeconds = lostAfter.toSeconds();
    this.rules = rules;
    this.evaluator = evaluator;
    this.failures = Counter.builder("judge.agent.liveness.failures")
        .description("host liveness pulls from hbs that failed").register(registry);
    Gauge.builder("judge.agent.lost.hosts", lost, AtomicInteger::get)
        .description("hosts with an agent.alive strategy that hbs has not heard from in time").register(registry);
  }

  /** TLS of the channel to hbs (the component's {@code tls} block); call before {@link #start()}. */
  public AgentLostWatch tls(TlsMaterial tls) {
    this.tls = tls;
    return this;
  }

  @Override
  public String name() {
    return "judge-agent-lost";
  }

  @Override
  public void start() {
    channel = GrpcChannels.forAddress(hbsAddress, tls);
    scheduler = NamedExecutors.scheduled("judge-agent-lost");
    scheduler.scheduleWithFixedDelay(this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    log.info("judge: agent-lost check against hbs at {} every {}: a host silent for {} s raises agent.alive",
        hbsAddress, Durations.format(every), lostAfterSeconds);
  }

  /** One pull and judgement; never throws. */
  void check() {
    HostLiveness live;
    try {
      live = HbsGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .getHostLiveness(HostLivenessRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      failures.increment();
      if (!outage.getAndSet(true)) {
        log.warn("judge: cannot pull host liveness from hbs at {} ({}); agent-lost alerts wait until it answers",
            hbsAddress, e.getStatus());
      }
      return;
    }
    if (outage.getAndSet(false)) {
      log.info("judge: hbs at {} answers host liveness again", hbsAddress);
    }
    try {
      judge(live);
    } catch (RuntimeException e) {
      log.warn("judge: agent-lost check failed", e);
    }
  }

  void judge(HostLiveness live) {
    StrategyIndex lookup = rules.get();
    int lostNow = 0;
    for (HostAlive h : live.getHostsList()) {
      if (h.getInMaintenance()) {
        continue;
      }
      Rule rule = agentRule(lookup.agentAliveRules(h.getHostname()));
      if (rule == null) {
        continue;
      }
      long silent = Math.max(0, live.getNow() - h.getLastHeartbeat());
      boolean isLost = silent > lostAfterSeconds;
      if (isLost) {
        lostNow++;
      }
      evaluator.judgeAgent(h.getHostname(), isLost, silent, rule);
    }
    lost.set(lostNow);
  }

  /** The host's untagged strategy on agent.alive with the lowest id, or null. */
  private static Rule agentRule(List<Rule> candidates) {
    Rule best = null;
    for (Rule r : candidates) {
      if (r.tags().isEmpty() && (best == null || r.id() < best.id())) {
        best = r;
      }
    }
    return best;
  }

  @Override
  public void close() {
    if (scheduler != null) {
      NamedExecutors.shutdown(scheduler, name(), Duration.ofSeconds(2));
    }
    if (channel != null) {
      GrpcChannels.close(channel);
    }
  }
}
