package io.peregrine.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--redis-url", defaultValue = "redis://127.0.0.1:6379/0") String redisUrl;
  @Option(names = "--mode", defaultValue = "rate", description = "rate or storm") String mode;
  @Option(names = "--rate", defaultValue = "2000", description = "events per second offered (rate mode)") int rate;
  @Option(names = "--seconds", defaultValue = "30", description = "length of the rate run") int seconds;
  @Option(names = "--priority", defaultValue = "0", description = "queue of the rate run (0..2: sent at once)")
  int priority;
  @Option(names = "--workers", defaultValue = "8", description = "sender.workers") int workers;
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
        JsonNode doc = JSON.readTree(body);
        long sent = doc.path("benchPushedNanos").asLong(0);
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
        rate(r, prefix, out);
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

  private void rate(RedisCommands<String, String> r, String prefix, PrintWriter out) throws Exception {
    String queue = AlertQueues.name(prefix, priority);
    long total = (long) rate * seconds;
    long start = System.nanoTime();
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, rate);
    for (long i = 0; i < total; i++) {
      long due = start + i * periodNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // pacing the offered load, not synchronisation
      }
      ObjectNode doc = (ObjectNode) JSON.readTree(event("s_7_bench" + i, "host" + (i % 1000), priority,
          1_800_000_000L + i));
      doc.put("benchPushedNanos", System.nanoTime());
      r.lpush(queue, doc.toString());
    }
    long offeredNanos = System.nanoTime() - start;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (arrived.get() < total && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    var h = latency.getIntervalHistogram();
    double deliveredPerSecond = arrived.get() / ((lastArrival - firstArrival) / 1e9);
    out.printf("sender bench rate: offered %d P%d events at %d/s over %.1f s; delivered %d at %.0f/s; "
        + "LPUSH -> webhook latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", total, priority, rate,
        offeredNanos / 1e9, arrived.get(), deliveredPerSecond, h.getValueAtPercentile(50) / 1e3,
        h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3);
    out.flush();
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
