package io.peregrine.dist;

import com.sun.net.httpserver.HttpServer;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.event.AlertQueues;
import io.peregrine.common.event.EventStrategy;
import io.peregrine.common.event.EventTemplate;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.sender.SenderConfig;
import io.peregrine.sender.SenderServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine sender bench}: one sender in this JVM between a Redis and loopback receivers, to measure it.
 *
 * <ul>
 *   <li>{@code --mode rate} (default): LPUSHes P{@code --priority} events at {@code --rate} per second for
 *       {@code --seconds} onto {@code event:p<n>} under a fresh key prefix; a loopback webhook records each arrival
 *       and the time from LPUSH to arrival (the generic webhook carries the document unchanged, so the push time
 *       rides in it). Reports delivered/s and the latency p50/p99/max.
 *   <li>{@code --mode storm}: {@code --events} P4 events for {@code --hosts} hosts as fast as Redis takes them, to
 *       loopback DingTalk and Slack robots; the merge window is shortened to {@code --window}; reports how many
 *       messages each robot got for the storm.
 * </ul>
 * The keys it wrote are deleted at the end.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure one sender: Redis -> webhook throughput and latency, or a low-priority storm's digests.")
final class SenderBenchCommand implements Callable<Integer> {

  @Option(names = "--redis-url", defaultValue = "redis://127.0.0.1:6379/0") String redisUrl;
  @Option(names = "--mode", defaultValue = "rate", description = "rate or storm") String mode;
  @Option(names = "--rate", defaultValue = "2000", description = "events per second offered (rate mode)") int rate;
  @Option(names = "--seconds", defaultValue = "30", description = "length of the rate run") int seconds;
  @Option(names = "--warmup-seconds", defaultValue = "10",
      description = "length of a run at the same rate before it, not counted (JIT warm-up)") int warmupSeconds;
  @Option(names = "--priority", defaultValue = "0", description = "queue of the rate run (0..2: sent at once)")
  int priority;
  @Option(names = "--workers", defaultValue = "16", description = "sender.workers") int workers;
  @Option(names = "--events", defaultValue = "10000", description = "events of the storm") int events;
  @Option(names = "--hosts", defaultValue = "100", description = "hosts of the storm") int hosts;
  @Option(names = "--window-seconds", defaultValue = "10", description = "merge window of the storm run")
  int windowSeconds;
  private Duration window;

  @Spec CommandSpec spec;

  private final Recorder latency = new Recorder(3);
  private final AtomicLong arrived = new AtomicLong();
  private final Map<String, AtomicLong> perPath = new ConcurrentHashMap<>();
  private volatile long firstArrival;
  private volatile long lastArrival;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    window = Duration.ofSeconds(Math.max(1, windowSeconds));
    // the loopback receivers are JDK servers too: without it Nagle + delayed ACK cap each connection at ~25/s
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    String prefix = "peregrine-bench:" + UUID.randomUUID() + ":";
    ThreadPoolExecutor hookThreads = NamedExecutors.fixed("bench-hook", 4, 10_000,
        new ThreadPoolExecutor.CallerRunsPolicy());
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    hook.setExecutor(hookThreads);
    hook.createContext("/", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      long now = System.nanoTime();
      perPath.computeIfAbsent(ex.getRequestURI().getPath(), k -> new AtomicLong()).incrementAndGet();
      if (ex.getRequestURI().getPath().equals("/hook")) {
        long sent = pushedNanos(body);
        if (sent > 0) {
          latency.recordValue(Math.max(0, now - sent) / 1_000);
        }
        if (firstArrival == 0) {
          firstArrival = now;
        }
        lastArrival = now;
        arrived.incrementAndGet();
      }
      byte[] answer = (ex.getRequestURI().getPath().equals("/dingtalk") ? "{\"errcode\":0,\"errmsg\":\"ok\"}" : "ok")
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, answer.length);
      ex.getResponseBody().write(answer);
      ex.close();
    });
    hook.start();
    String base = "http://127.0.0.1:" + hook.getAddress().getPort();
    Map<String, Object> keys = new HashMap<>(Map.of("httpListen", "127.0.0.1:0", "hbsAddress", "",
        "console", false, "redisUrl", redisUrl, "redisKeyPrefix", prefix, "consumerId", "bench-sender",
        "workers", workers));
    if (mode.equals("storm")) {
      keys.put("dingtalkUrl", base + "/dingtalk");
      keys.put("slackUrl", base + "/slack");
      keys.put("mergeWindow", window);
    } else {
      keys.put("webhookUrl", base + "/hook");
    }
    SenderConfig config = new ConfigLoader().with(SenderConfig.defaults(), SenderConfig.class, keys);
    RedisClient client = RedisClient.create(redisUrl);
    SenderServer sender = new SenderServer(config, null, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8));
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      sender.start();
      RedisCommands<String, String> r = c.sync();
      if (mode.equals("storm")) {
        storm(r, prefix, sender, out);
      } else {
        rate(c.async(), prefix, out);
      }
    } finally {
      sender.close();
      hook.stop(0);
      NamedExecutors.shutdown(hookThreads, "bench-hook", Duration.ofSeconds(2));
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        clean(c.sync(), prefix);
      }
      client.shutdown();
    }
    return 0;
  }

  private static String event(String id, String host, int priority, long time) {
    EventStrategy s = new EventStrategy(7, "app.latency", Map.of(), "all(#3)", ">", 500, 3, priority,
        "latency too high", new EventTemplate(1, "bench", 0, 0, "bench"));
    AlertEvent e = new AlertEvent(id, s, null, AlertEvent.PROBLEM, host, 900, 1, time, Map.of("svc", "api"),
        priority, "app.latency", AlertEvent.keyOf(id, AlertEvent.PROBLEM, time, 1), List.of(900.0));
    return AlertEventJson.write(e);
  }

  private void rate(RedisAsyncCommands<String, String> async, String prefix, PrintWriter out) throws Exception {
    String queue = AlertQueues.name(prefix, priority);
    // warm-up at the same rate, not counted: on a small machine the JIT would otherwise eat the measured run
    long warm = (long) rate * warmupSeconds;
    if (warm > 0) {
      offer(async, queue, warm, "s_7_warm");
      awaitArrivals(warm);
      latency.reset();
      arrived.set(0);
      firstArrival = 0;
    }
    long total = (long) rate * seconds;
    long cpuStart = cpuNanos();
    long start = System.nanoTime();
    offer(async, queue, total, "s_7_bench");
    long offeredNanos = System.nanoTime() - start;
    awaitArrivals(total);
    var h = latency.getIntervalHistogram();
    double deliveredPerSecond = arrived.get() / ((lastArrival - firstArrival) / 1e9);
    double cpuPerEvent = (cpuNanos() - cpuStart) / 1e3 / Math.max(1, arrived.get());
    out.printf("sender bench rate: offered %d P%d events at %d/s over %.1f s; delivered %d at %.0f/s; "
        + "LPUSH -> webhook latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; process CPU %.0f us/event (this JVM: "
        + "producer, sender and webhook)%n", total, priority, rate, offeredNanos / 1e9, arrived.get(),
        deliveredPerSecond, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
        h.getMaxValue() / 1e3, cpuPerEvent);
    out.flush();
  }

  /** LPUSHes {@code total} events at {@code --rate}, paced in 5 ms ticks (one sleep per tick, not per event). */
  private void offer(RedisAsyncCommands<String, String> async, String queue, long total, String idPrefix)
      throws InterruptedException {
    long start = System.nanoTime();
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, rate);
    long tickNanos = TimeUnit.MILLISECONDS.toNanos(5);
    for (long i = 0; i < total; ) {
      if (start + i * periodNanos - System.nanoTime() > 0) {
        TimeUnit.NANOSECONDS.sleep(tickNanos); // pacing the offered load, not synchronisation
        continue;
      }
      long due = Math.min(total, (System.nanoTime() - start) / periodNanos + 1);
      for (; i < due; i++) {
        String doc = event(idPrefix + i, "host" + (i % 1000), priority, 1_800_000_000L + i);
        // the push time rides in the document (the webhook carries it unchanged); async: no round trip per push
        async.lpush(queue, "{\"benchPushedNanos\":" + System.nanoTime() + "," + doc.substring(1));
      }
    }
  }

  private void awaitArrivals(long n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (arrived.get() < n && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private void storm(RedisCommands<String, String> r, String prefix, SenderServer sender, PrintWriter out)
      throws Exception {
    String queue = AlertQueues.name(prefix, 4);
    long start = System.nanoTime();
    for (int i = 0; i < events; i++) {
      r.lpush(queue, event("s_7_storm" + i, "host" + (i % hosts), 4, 1_800_000_000L + i / Math.max(1, events / 60)));
    }
    long pushed = System.nanoTime();
    long deadline = System.nanoTime() + window.toNanos() * 3 + TimeUnit.SECONDS.toNanos(60);
    while (acked(sender) < events && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    out.printf("sender bench storm: %d P4 events for %d hosts pushed in %.1f s; all %s acknowledged after %.1f s; "
        + "messages received: dingtalk %d, slack %d (merge window %s)%n", events, hosts, (pushed - start) / 1e9,
        acked(sender) >= events ? "" : "NOT ", (System.nanoTime() - start) / 1e9,
        perPath.getOrDefault("/dingtalk", new AtomicLong()).get(),
        perPath.getOrDefault("/slack", new AtomicLong()).get(), window);
    out.flush();
  }

  /** The {@code "benchPushedNanos":<n>} the producer put first in the document; 0 when absent. */
  static long pushedNanos(byte[] body) {
    String head = new String(body, 0, Math.min(body.length, 64), StandardCharsets.US_ASCII);
    String field = "{\"benchPushedNanos\":";
    if (!head.startsWith(field)) {
      return 0;
    }
    int end = head.indexOf(',', field.length());
    return end < 0 ? 0 : Long.parseLong(head.substring(field.length(), end));
  }

  private static long cpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static double acked(SenderServer s) {
    var c = s.registry().find("sender.acked").counter();
    return c == null ? 0 : c.count();
  }

  private static void clean(RedisCommands<String, String> r, String prefix) throws IOException {
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = r.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
      if (!page.getKeys().isEmpty()) {
        r.del(page.getKeys().toArray(new String[0]));
      }
      cursor = page;
    } while (!cursor.isFinished());
  }
}
