package io.peregrine.judge.publish;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.event.AlertPublisher;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.event.AlertQueues;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.judge.eval.LastEvent;
import io.peregrine.judge.state.StateKeys;
import io.peregrine.judge.state.StateStore;
import io.peregrine.judge.state.StateUnavailableException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to Redis as Open-Falcon's judge does: {@code LPUSH <prefix>event:p<priority> <event JSON>}, and in
 * the same Lua script the judge's state for that rule and series ({@code HSET <prefix>judge:state:<seriesHash>
 * <ruleKey> "<P|O> <step> <eventTime>"}, expiring after {@link #STATE_TTL} without writes). The script pushes
 * nothing when the stored state already has this status at this step or later: a retried LPUSH that had in fact
 * run, or a second judge raising the same agent-lost event, is not delivered twice. It also reads the state back
 * ({@link #load}) for the evaluator.
 *
 * <p>Redis may be down at start or go away later: start only logs it, and each publish (re)connects when needed
 * and fails fast with an {@link AlertQueueException} naming the URI and the queue, so {@link PendingAlerts} keeps
 * the event and retries. Commands are refused while disconnected rather than buffered by Lettuce, so a command that
 * timed out is not also sent later behind the caller's back. Delivery is at least once: an LPUSH that timed out
 * after Redis executed it is pushed again, and senders deduplicate by {@code eventKey}.
 */
public final class RedisAlertPublisher implements BatchAlertPublisher, StateStore, Component {
  private static final Logger log = LoggerFactory.getLogger(RedisAlertPublisher.class);
  /** An LPUSH takes well under a millisecond; two seconds means Redis is in trouble. */
  static final Duration TIMEOUT = Duration.ofSeconds(2);
  /** Longer than the judge keeps an idle series (24 h) by far, so state outlives any outage worth alerting on. */
  public static final Duration STATE_TTL = Duration.ofDays(7);
  /**
   * KEYS: queue, state hash. ARGV: event JSON, rule key, status letter, currentStep, encoded state, TTL seconds.
   * Returns 1 when pushed, 0 when the stored state already had this status at this step or later.
   */
  static final String PUBLISH_SCRIPT = String.join("\n",
      "local prev = redis.call('HGET', KEYS[2], ARGV[2])",
      "if prev then",
      "  local st, step = string.match(prev, '^(%a) (%d+) ')",
      "  if st == ARGV[3] and tonumber(step) >= tonumber(ARGV[4]) then return 0 end",
      "end",
      "redis.call('LPUSH', KEYS[1], ARGV[1])",
      "redis.call('HSET', KEYS[2], ARGV[2], ARGV[5])",
      "redis.call('EXPIRE', KEYS[2], ARGV[6])",
      "return 1");

  /**
   * {@link #PUBLISH_SCRIPT} for several events in order. KEYS: queue and state hash of each event. ARGV: the TTL
   * seconds, then per event: JSON, rule key, status letter, currentStep, encoded state. Returns 1 or 0 per event.
   */
  static final String PUBLISH_ALL_SCRIPT = String.join("\n",
      "local out = {}",
      "for i = 1, #KEYS / 2 do",
      "  local queue, state, a = KEYS[2 * i - 1], KEYS[2 * i], 1 + (i - 1) * 5",
      "  local rule, status, step = ARGV[a + 2], ARGV[a + 3], tonumber(ARGV[a + 4])",
      "  local prev = redis.call('HGET', state, rule)",
      "  local seen = false",
      "  if prev then",
      "    local st, s = string.match(prev, '^(%a) (%d+) ')",
      "    seen = st == status and tonumber(s) >= step",
      "  end",
      "  if seen then",
      "    out[i] = 0",
      "  else",
      "    redis.call('LPUSH', queue, ARGV[a + 1])",
      "    redis.call('HSET', state, rule, ARGV[a + 5])",
      "    redis.call('EXPIRE', state, ARGV[1])",
      "    out[i] = 1",
      "  end",
      "end",
      "return out");

  private final RedisURI uri;
  private final String display;
  private final String keyPrefix;
  private final Object lock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile RedisClient client;
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile boolean lastPublishOk = true;
  private volatile String scriptSha;
  private final AtomicLong deduplicated = new AtomicLong();

  /**
   * @param redisUrl e.g. {@code redis://127.0.0.1:6379/0} ({@code rediss://} for TLS, {@code redis://:password@...})
   * @param keyPrefix put before {@code event:p0..p6}
   */
  public RedisAlertPublisher(String redisUrl, String keyPrefix) {
    checkUrl("judge.redisUrl", redisUrl);
    this.uri = RedisURI.builder(RedisURI.create(redisUrl.trim())).withTimeout(TIMEOUT).build();
    this.display = redact(redisUrl.trim());
    this.keyPrefix = keyPrefix == null ? "" : keyPrefix;
  }

  /** @throws IllegalArgumentException naming {@code field} when the URL is not a Redis URI */
  public static void checkUrl(String field, String redisUrl) {
    if (redisUrl == null || redisUrl.isBlank()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    try {
      RedisURI.create(redisUrl.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(field + " '" + redact(redisUrl) + "' is not a Redis URI such as "
          + "redis://127.0.0.1:6379/0: " + e.getMessage());
    }
  }

  /** The URL without its password, for logs and messages. */
  static String redact(String url) {
    int scheme = url.indexOf("://");
    int at = url.indexOf('@');
    return scheme >= 0 && at > scheme ? url.substring(0, scheme + 3) + "***" + url.substring(at) : url;
  }

  @Override
  public String name() {
    return "judge-redis";
  }

  @Override
  public void start() {
    client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
        .build());
    try {
      connect("");
      log.info("judge: connected to Redis {}; events go to {}event:p0..p6", display, keyPrefix);
    } catch (AlertQueueException e) {
      log.error("judge: {}; events wait in the pending buffer and are retried", e.getMessage());
    }
  }

  /**
   * Writes the events with one script call (one round trip): for each in order, the same check and writes as
   * {@link #PUBLISH_SCRIPT}. The script is atomic, so either every event of the call is written with its state or
   * none; a call that timed out after Redis ran it is retried whole, and the stored states make the retry push
   * nothing twice.
   */
  @Override
  public void publishAll(List<AlertEvent> events) throws AlertQueueException {
    if (events.isEmpty()) {
      return;
    }
    StatefulRedisConnection<String, String> c = connect(AlertQueues.name(keyPrefix, events.get(0).priority()));
    ScriptCall call = scriptCall(events);
    try {
      List<Long> pushed;
      String sha = scriptSha;
      try {
        if (sha == null) {
          sha = c.sync().scriptLoad(PUBLISH_ALL_SCRIPT);
          scriptSha = sha;
        }
        pushed = c.sync().evalsha(sha, ScriptOutputType.MULTI, call.keys(), call.args());
      } catch (RedisNoScriptException e) {
        // Redis restarted and forgot the script: run it by text once, which also caches it again
        scriptSha = null;
        pushed = c.sync().eval(PUBLISH_ALL_SCRIPT, ScriptOutputType.MULTI, call.keys(), call.args());
      }
      answered(pushed);
    } catch (RedisException e) {
      throw failed(events, call.firstQueue(), e);
    }
  }

  /**
   * Sends the script call and returns without waiting for Redis: calls started one after another run in that order
   * on the one connection, so several can be in flight ({@link PendingAlerts}). A script Redis no longer knows (it
   * restarted) did not run, so waiting for that call runs {@link #publishAll} instead.
   */
  @Override
  public Call start(List<AlertEvent> events) {
    String sha = scriptSha;
    if (events.isEmpty() || sha == null) {
      return BatchAlertPublisher.super.start(events); // the first call loads the script, synchronously
    }
    StatefulRedisConnection<String, String> c;
    try {
      c = connect(AlertQueues.name(keyPrefix, events.get(0).priority()));
    } catch (AlertQueueException e) {
      return () -> {
        throw e;
      };
    }
    ScriptCall call = scriptCall(events);
    RedisFuture<List<Long>> future;
    try {
      future = c.async().evalsha(sha, ScriptOutputType.MULTI, call.keys(), call.args());
    } catch (RedisException e) {
      AlertQueueException failure = failed(events, call.firstQueue(), e);
      return () -> {
        throw failure;
      };
    }
    return () -> {
      try {
        answered(future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RedisNoScriptException) {
          scriptSha = null;
          publishAll(events);
          return;
        }
        throw failed(events, call.firstQueue(), e.getCause() instanceof RedisException r ? r
            : new RedisException(String.valueOf(e.getCause()), e.getCause()));
      } catch (TimeoutException e) {
        future.cancel(false);
        throw failed(events, call.firstQueue(), new RedisException("no answer within " + TIMEOUT.toMillis() + " ms"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AlertQueueException("interrupted while waiting for Redis " + display, e);
      }
    };
  }

  /** The keys and arguments of {@link #PUBLISH_ALL_SCRIPT} for the events. */
  private record ScriptCall(String firstQueue, String[] keys, String[] args) {}

  private ScriptCall scriptCall(List<AlertEvent> events) {
    String[] keys = new String[2 * events.size()];
    String[] args = new String[1 + 5 * events.size()];
    args[0] = Long.toString(STATE_TTL.toSeconds());
    for (int i = 0; i < events.size(); i++) {
      AlertEvent event = events.get(i);
      keys[2 * i] = AlertQueues.name(keyPrefix, event.priority());
      keys[2 * i + 1] = StateKeys.redisKey(keyPrefix, StateKeys.seriesHash(event.id()));
      args[1 + 5 * i] = AlertEventJson.write(event);
      args[2 + 5 * i] = StateKeys.ruleKey(event.id());
      args[3 + 5 * i] = AlertEvent.PROBLEM.equals(event.status()) ? "P" : "O";
      args[4 + 5 * i] = Integer.toString(event.currentStep());
      args[5 + 5 * i] = StateKeys.encode(event);
    }
    return new ScriptCall(keys[0], keys, args);
  }

  private void answered(List<Long> pushed) {
    if (pushed != null) {
      for (Long p : pushed) {
        if (p != null && p == 0) {
          deduplicated.incrementAndGet();
        }
      }
    }
    lastPublishOk = true;
  }

  private AlertQueueException failed(List<AlertEvent> events, String firstQueue, RedisException e) {
    lastPublishOk = false;
    return new AlertQueueException("LPUSH of " + events.size() + " events to Redis " + display + " (queue "
        + firstQueue + (events.size() > 1 ? " and others" : "") + ") failed: " + e.getMessage(), e);
  }

  /** Events not pushed because the stored state showed they were already delivered. */
  public long deduplicated() {
    return deduplicated.get();
  }

  @Override
  public Map<String, LastEvent> load(String seriesHash) throws StateUnavailableException {
    String key = StateKeys.redisKey(keyPrefix, seriesHash);
    try {
      Map<String, String> raw = connect("").sync().hgetall(key);
      Map<String, LastEvent> out = new HashMap<>(raw.size() * 2);
      raw.forEach((rule, value) -> {
        LastEvent e = StateKeys.decode(value);
        if (e != null) {
          out.put(rule, e);
        }
      });
      return out;
    } catch (AlertQueueException | RedisException e) {
      throw new StateUnavailableException("cannot read judge state " + key + " from Redis " + display + ": "
          + e.getMessage(), e);
    }
  }

  /** @param queue named in the failure message, when a publish needs the connection */
  private StatefulRedisConnection<String, String> connect(String queue) throws AlertQueueException {
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) {
      return c;
    }
    synchronized (lock) {
      if (connection != null) {
        return connection;
      }
      if (client == null || closed.get()) {
        throw new AlertQueueException("Redis publisher " + display + " is not running", null);
      }
      try {
        connection = client.connect();
        lastPublishOk = true;
        return connection;
      } catch (RedisException e) {
        lastPublishOk = false;
        throw new AlertQueueException("cannot connect to Redis " + display
            + (queue.isEmpty() ? "" : " to LPUSH to queue " + queue) + ": " + rootMessage(e), e);
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
  }

  /** Connected, and the last publish (if any) worked. */
  @Override
  public boolean healthy() {
    StatefulRedisConnection<String, String> c = connection;
    return c != null && c.isOpen() && lastPublishOk;
  }

  /** "Redis redis://host:6379/0 (key prefix 'x')", for logs. */
  public String describe() {
    return "Redis " + display + (keyPrefix.isEmpty() ? "" : " (key prefix '" + keyPrefix + "')");
  }

  @Override
  public String toString() {
    return describe();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    synchronized (lock) {
      if (connection != null) {
        connection.close();
        connection = null;
      }
    }
    if (client != null) {
      client.shutdown(Duration.ZERO, TIMEOUT);
    }
  }
}
