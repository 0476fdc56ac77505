package io.peregrine.judge;

import io.peregrine.common.config.Checks;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.judge.publish.RedisAlertPublisher;
import io.peregrine.judge.expr.ExprJudge;
import io.peregrine.judge.expr.ExprRuleDef;
import java.time.Duration;
import java.util.List;

/**
 * The judge's settings (section {@code judge}). Fixed once the judge starts; the only thing that changes at runtime
 * is the strategy set pulled from hbs.
 *
 * @param grpcListen {@code Judge.Push} from transfer
 * @param httpListen {@code /metrics}, {@code /health}, {@code /api/v1/strategies}, {@code /api/v1/history}
 * @param hbsAddress hbs gRPC address the strategy and expression sets are pulled from
 * @param strategyRefresh how often the strategy set is pulled (an unchanged set costs one tiny call)
 * @param historySize points kept per series, newest first (Open-Falcon's {@code remain}); {@code #n} can use at most
 *     this many (counters: one fewer, since rates need two raw points)
 * @param minInterval least time between two PROBLEM events of one event id (Open-Falcon's {@code minInterval})
 * @param redisUrl Redis that events are LPUSHed to, e.g. {@code redis://127.0.0.1:6379/0}; empty when the launcher
 *     hands the judge another publisher (the in-process queue of all-in-one)
 * @param redisKeyPrefix put before the queue names {@code event:p0..p6}
 * @param pendingAlertCapacity events waiting for the publisher; beyond that new events are dropped and counted
 * @param grpcThreads threads running {@code Judge.Push} calls
 * @param stateDir where the last event of every rule and series is kept on disk when there is no Redis
 *     (all-in-one); empty = in memory only. With Redis the state lives in Redis and this is not used
 * @param agentHeartbeatInterval how often agents heartbeat to hbs (the agent's {@code heartbeatInterval})
 * @param agentLostIntervals heartbeats a host may miss before {@code agent.alive} raises a PROBLEM; 0 = off
 * @param multiMetric multi-metric expressions judged besides hbs's ({@code io.peregrine.judge.expr}); checked here
 * @param tls TLS of this component's listeners and of the channels it opens (see docs/SECURITY.md); off = plaintext
 * @param auth tokens this component wants on its APIs and sends on its calls (see docs/SECURITY.md); off by
 *     default
 */
public record JudgeConfig(
    String grpcListen,
    String httpListen,
    String hbsAddress,
    Duration strategyRefresh,
    int historySize,
    Duration minInterval,
    String redisUrl,
    String redisKeyPrefix,
    int pendingAlertCapacity,
    int grpcThreads,
    String stateDir,
    Duration agentHeartbeatInterval,
    int agentLostIntervals,
    List<ExprRuleDef> multiMetric,
    TlsConfig tls,
    AuthConfig auth) {

  /** Strategies change by hand in the portal; ten seconds feels immediate and costs hbs one call per judge. */
  public static final Duration DEFAULT_STRATEGY_REFRESH = Duration.ofSeconds(10);
  /** Open-Falcon's {@code remain}: enough for every function users write in practice (all(#10), diff(#10)). */
  public static final int DEFAULT_HISTORY_SIZE = 11;
  /** Open-Falcon's minimum interval between repeated PROBLEM events: five minutes. */
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(300);
  /** About 100 MB of events at ~1 KB each: rides out a Redis restart of many minutes at any realistic alert rate. */
  public static final int DEFAULT_PENDING_ALERT_CAPACITY = 100_000;
  /** History beyond this costs memory on every series for functions nobody writes. */
  public static final int MAX_HISTORY_SIZE = 1_000;
  /** The agent's default heartbeat interval. */
  public static final Duration DEFAULT_AGENT_HEARTBEAT_INTERVAL = Duration.ofSeconds(60);
  /** Three missed heartbeats: one lost packet or a slow restart is not an outage. */
  public static final int DEFAULT_AGENT_LOST_INTERVALS = 3;

  public JudgeConfig {
    tls = tls == null ? TlsConfig.off() : tls;
    auth = (auth == null ? AuthConfig.off() : auth).requireHbsUrl("judge");
    Checks.address("judge.grpcListen", grpcListen);
    Checks.address("judge.httpListen", httpListen);
    Checks.address("judge.hbsAddress", hbsAddress);
    Checks.positive("judge.strategyRefresh", strategyRefresh);
    Checks.inRange("judge.historySize", historySize, 2, MAX_HISTORY_SIZE);
    if (minInterval == null || minInterval.isNegative()) {
      throw new IllegalArgumentException("judge.minInterval must be zero or a positive duration: " + minInterval);
    }
    redisUrl = redisUrl == null ? "" : redisUrl.trim();
    if (!redisUrl.isEmpty()) {
      RedisAlertPublisher.checkUrl("judge.redisUrl", redisUrl);
    }
    redisKeyPrefix = redisKeyPrefix == null ? "" : redisKeyPrefix;
    Checks.positive("judge.pendingAlertCapacity", pendingAlertCapacity);
    Checks.positive("judge.grpcThreads", grpcThreads);
    stateDir = stateDir == null ? "" : stateDir.trim();
    if (agentHeartbeatInterval == null) {
      agentHeartbeatInterval = DEFAULT_AGENT_HEARTBEAT_INTERVAL;
    }
    Checks.positive("judge.agentHeartbeatInterval", agentHeartbeatInterval);
    Checks.inRange("judge.agentLostIntervals", agentLostIntervals, 0, 1_000);
    multiMetric = multiMetric == null ? List.of() : List.copyOf(multiMetric);
    ExprJudge.checkConfig(multiMetric, historySize);
  }

  /** Construction without the settings added later, with their defaults. */
  public JudgeConfig(String grpcListen, String httpListen, String hbsAddress, Duration strategyRefresh,
      int historySize, Duration minInterval, String redisUrl, String redisKeyPrefix, int pendingAlertCapacity,
      int grpcThreads) {
    this(grpcListen, httpListen, hbsAddress, strategyRefresh, historySize, minInterval, redisUrl, redisKeyPrefix,
        pendingAlertCapacity, grpcThreads, "", DEFAULT_AGENT_HEARTBEAT_INTERVAL, DEFAULT_AGENT_LOST_INTERVALS,
        List.of(), TlsConfig.off(), AuthConfig.off());
  }

  /** How long a host may stay silent before it counts as lost; zero when agent-lost alerts are off. */
  public Duration agentLostAfter() {
    return agentHeartbeatInterval.multipliedBy(agentLostIntervals);
  }

  public static JudgeConfig defaults() {
    return new JudgeConfig("127.0.0.1:6080", "127.0.0.1:6081", "127.0.0.1:6030", DEFAULT_STRATEGY_REFRESH,
        DEFAULT_HISTORY_SIZE, DEFAULT_MIN_INTERVAL, "", "", DEFAULT_PENDING_ALERT_CAPACITY, 4);
  }

  public JudgeConfig withListen(String grpc, String http) {
    return new JudgeConfig(grpc, http, hbsAddress, strategyRefresh, historySize, minInterval, redisUrl,
        redisKeyPrefix, pendingAlertCapacity, grpcThreads, stateDir, agentHeartbeatInterval, agentLostIntervals,
        multiMetric, tls, auth);
  }

  public JudgeConfig withHbs(String address, Duration refresh) {
    return new JudgeConfig(grpcListen, httpListen, address, refresh, historySize, minInterval, redisUrl,
        redisKeyPrefix, pendingAlertCapacity, grpcThreads, stateDir, agentHeartbeatInterval, agentLostIntervals,
        multiMetric, tls, auth);
  }

  public JudgeConfig withRedis(String url, String keyPrefix) {
    return new JudgeConfig(grpcListen, httpListen, hbsAddress, strategyRefresh, historySize, minInterval, url,
        keyPrefix, pendingAlertCapacity, grpcThreads, stateDir, agentHeartbeatInterval, agentLostIntervals,
        multiMetric, tls, auth);
  }

  public JudgeConfig withStateDir(String dir) {
    return new JudgeConfig(grpcListen, httpListen, hbsAddress, strategyRefresh, historySize, minInterval, redisUrl,
        redisKeyPrefix, pendingAlertCapacity, grpcThreads, dir, agentHeartbeatInterval, agentLostIntervals,
        multiMetric, tls, auth);
  }

  public JudgeConfig withMultiMetric(List<ExprRuleDef> rules) {
    return new JudgeConfig(grpcListen, httpListen, hbsAddress, strategyRefresh, historySize, minInterval, redisUrl,
        redisKeyPrefix, pendingAlertCapacity, grpcThreads, stateDir, agentHeartbeatInterval, agentLostIntervals,
        rules, tls, auth);
  }

  public JudgeConfig withAgentLost(Duration interval, int intervals) {
    return new JudgeConfig(grpcListen, httpListen, hbsAddress, strategyRefresh, historySize, minInterval, redisUrl,
        redisKeyPrefix, pendingAlertCapacity, grpcThreads, stateDir, interval, intervals, multiMetric, tls, auth);
  }

  /** The same settings with another {@code auth} block. */
  public JudgeConfig withAuth(AuthConfig a) {
    return new JudgeConfig(
        grpcListen, httpListen, hbsAddress, strategyRefresh, historySize, minInterval, redisUrl, redisKeyPrefix,
        pendingAlertCapacity, grpcThreads, stateDir, agentHeartbeatInterval, agentLostIntervals, multiMetric, tls, a);
  }
}
