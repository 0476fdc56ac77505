package io.peregrine.sender.queue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.server.ThrottledLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lettuce connection, made lazily and remade with capped backoff, so that a Redis that is down at start or goes
 * away later makes calls fail with a clear, throttled error naming the server, never a crash. Lettuce reconnects an
 * established connection by itself; commands issued while it is down fail at once instead of piling up.
 */
final class RedisConnector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisConnector.class);
  /** Lettuce's own default is a minute, far too long for a worker to hang on a dead server. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration FIRST_RECONNECT_WAIT = Duration.ofMillis(500);
  private static final Duration MAX_RECONNECT_WAIT = Duration.ofSeconds(30);

  private final RedisURI uri;
  private final String where;
  private final Consumer<RedisCommands<String, String>> onFirstConnect;
  private final MeterRegistry registry;
  private final ThrottledLog errors = new ThrottledLog(log, Duration.ofSeconds(10));
  private final Object connectLock = new Object();
  private volatile ClientResources resources;
  private volatile RedisClient client;
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile boolean lastCallFailed;
  // guarded by connectLock
  private long nextConnectNanos;
  private Duration reconnectWait = FIRST_RECONNECT_WAIT;
  private String lastConnectError = "";

  /**
   * @param onFirstConnect runs once, on the first connection that works (recovery of a previous run's events); when
   *     it throws, the connection is dropped and it runs again on the next one
   */
  RedisConnector(String url, Consumer<RedisCommands<String, String>> onFirstConnect, MeterRegistry registry) {
    this.uri = RedisURI.create(url);
    if (uri.getTimeout().equals(RedisURI.DEFAULT_TIMEOUT_DURATION)) {
      uri.setTimeout(COMMAND_TIMEOUT);
    }
    this.where = describe(uri);
    this.onFirstConnect = onFirstConnect;
    this.registry = registry;
  }

  /** The server without credentials, for messages: {@code redis://127.0.0.1:6379/0}. */
  String where() {
    return where;
  }

  void start() {
    resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1)
        .threadFactoryProvider(name -> NamedExecutors.threadFactory("sender-" + name)).build();
    client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(uri.getTimeout()).build())
        .build());
    try {
      commands("connect");
      log.info("sender: connected to Redis at {}", where);
    } catch (AlertQueueException e) {
      // already logged by commands(); the workers keep trying with backoff
    }
  }

  /** Runs one call; any Redis trouble is counted and thrown as an AlertQueueException naming the server. */
  <T> T call(String op, Function<RedisCommands<String, String>, T> f) throws AlertQueueException {
    RedisCommands<String, String> r = commands(op);
    try {
      T result = f.apply(r);
      lastCallFailed = false;
      return result;
    } catch (RuntimeException e) {
      lastCallFailed = true;
      registry.counter("sender.redis.errors", "op", op).increment();
      // the caller logs (throttled) with what it was doing
      throw new AlertQueueException("Redis " + where + " failed on " + op + ": " + e.getMessage(), e);
    }
  }

  /** The SHA1 of each script, computed once (Lettuce would hash the script text again on every call). */
  private static final java.util.Map<String, String> SHAS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Sends commands without waiting for their answers: Lettuce keeps the order on the one connection, so the next
   * call runs after them, and its round trip covers theirs. Trouble (at once or in the answer) is counted and
   * handed to {@code onError}; nothing is thrown.
   */
  void send(String op, Function<RedisAsyncCommands<String, String>, List<RedisFuture<?>>> f,
      Consumer<String> onError) {
    try {
      for (RedisFuture<?> future : f.apply(commands(op).getStatefulConnection().async())) {
        future.whenComplete((ok, e) -> {
          if (e != null) {
            registry.counter("sender.redis.errors", "op", op).increment();
            onError.accept("Redis " + where + " failed on " + op + ": " + e.getMessage());
          }
        });
      }
    } catch (AlertQueueException | RuntimeException e) {
      registry.counter("sender.redis.errors", "op", op).increment();
      onError.accept(e.getMessage());
    }
  }

  /** EVALSHA, loading the script with EVAL when the server does not know it yet (first use, restart, flush). */
  static <T> T eval(RedisCommands<String, String> r, String script, ScriptOutputType type, String[] keys,
      String... args) {
    try {
      return r.evalsha(SHAS.computeIfAbsent(script, r::digest), type, keys, args);
    } catch (RedisNoScriptException e) {
      return r.eval(script, type, keys, args);
    }
  }

  boolean healthy() {
    StatefulRedisConnection<String, String> c = connection;
    return c != null && c.isOpen() && !lastCallFailed;
  }

  private RedisCommands<String, String> commands(String op) throws AlertQueueException {
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) {
      return c.sync();
    }
    synchronized (connectLock) {
      if (connection != null) {
        return connection.sync();
      }
      if (client == null) {
        throw new AlertQueueException("Redis " + where + ": the source is not started (or closed)", null);
      }
      long now = System.nanoTime();
      if (nextConnectNanos != 0 && now - nextConnectNanos < 0) {
        throw new AlertQueueException("Redis " + where + " is unreachable (" + lastConnectError + "); next try in "
            + TimeUnit.NANOSECONDS.toMillis(nextConnectNanos - now) + " ms", null);
      }
      StatefulRedisConnection<String, String> fresh = null;
      try {
        fresh = client.connect();
        onFirstConnect.accept(fresh.sync());
        connection = fresh;
        lastCallFailed = false;
        reconnectWait = FIRST_RECONNECT_WAIT;
        nextConnectNanos = 0;
        return fresh.sync();
      } catch (RuntimeException e) {
        if (fresh != null) {
          fresh.closeAsync();
        }
        lastCallFailed = true;
        lastConnectError = e.getMessage() == null ? e.toString() : e.getMessage();
        nextConnectNanos = now + reconnectWait.toNanos();
        reconnectWait = reconnectWait.multipliedBy(2).compareTo(MAX_RECONNECT_WAIT) > 0 ? MAX_RECONNECT_WAIT
            : reconnectWait.multipliedBy(2);
        registry.counter("sender.redis.errors", "op", "connect").increment();
        errors.error("sender: cannot connect to Redis at {} ({}); retrying with backoff up to {} s, the events wait "
            + "in Redis", where, lastConnectError, MAX_RECONNECT_WAIT.toSeconds());
        throw new AlertQueueException("cannot connect to Redis at " + where + ": " + lastConnectError, e);
      }
    }
  }

  private static String describe(RedisURI uri) {
    if (uri.getHost() == null) {
      return "redis (socket or sentinel URI)";
    }
    return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
  }

  @Override
  public void close() {
    synchronized (connectLock) {
      StatefulRedisConnection<String, String> c = connection;
      connection = null;
      if (c != null) {
        c.close();
      }
      if (client != null) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        client = null;
      }
      if (resources != null) {
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        resources = null;
      }
    }
  }
}
