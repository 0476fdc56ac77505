package io.peregrine.agent.plugin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.json.MalformedBatchException;
import io.peregrine.common.json.OpenFalconJson;
import io.peregrine.common.json.ParsedBatch;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.Sample;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the plugins of the plugin directories, each every {@code <step>} seconds, at most {@code concurrency} at
 * once. A one-second tick on thread {@code agent-plugins} rescans the directories (every {@link #RESCAN} or when hbs
 * changed the list) and hands each plugin that is due to a runner thread. What a plugin prints on stdout is parsed
 * as Open-Falcon's push JSON by the pipeline's shared reader, so its samples obey the same rules as a push; each
 * refused item is logged (throttled per plugin) and counted, the others are queued for transfer.
 *
 * <p>Every run ends in {@code agent_plugin_runs{plugin,result}}: {@code ok}, {@code failed} (could not start or exited
 * non-zero: its output is not used), {@code timeout} (killed with its whole tree at step - 0.5 s), {@code bad_output}
 * (stdout is not a JSON array, or over 1 MiB), {@code skipped} (due while its previous run still runs or waits,
 * or more than 1,024 runs already wait for a slot). Runs due together wait for a slot in turn; a plugin never delays
 * another beyond that wait, which its deadline bounds. stderr is logged (its first
 * 4 KiB) when a run fails or times out, throttled per plugin.
 */
public final class PluginRunner implements Component {
  private static final Logger log = LoggerFactory.getLogger(PluginRunner.class);
  static final Duration RESCAN = Duration.ofSeconds(30);
  /** Runs waiting for a slot: every plugin of a large set may fall due in the same second. */
  static final int MAX_WAITING_RUNS = 1024;
  private static final long TICK_MILLIS = 1000;
  /** Idle plugin pool threads end after this long. */
  private static final long IDLE_THREAD_SECONDS = 5;

  private final PluginDirs dirs;
  private final int concurrency;
  private final OpenFalconJson json;
  private final Predicate<Sample> sink;
  private final MeterRegistry registry;
  private final LongSupplier nanoTime;
  private final AtomicReference<List<String>> hbsDirs = new AtomicReference<>(List.of());
  private final AtomicBoolean rescanNow = new AtomicBoolean(true);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Map<String, Counter> runs = new ConcurrentHashMap<>();
  private final Map<String, ThrottledLog> logs = new ConcurrentHashMap<>();
  private final Counter rejected;
  private final Counter dropped;
  /** Plugin state, touched only by the tick thread; {@code running} also by the runner that ends the run. */
  private final Map<String, Scheduled> plugins = new HashMap<>();
  private long lastScanNanos;
  private ScheduledExecutorService tick;
  private ThreadPoolExecutor runners;
  private ThreadPoolExecutor io;
  private PluginProcess process;

  private static final class Scheduled {
    final Plugin plugin;
    long nextNanos;
    final AtomicBoolean running = new AtomicBoolean();

    Scheduled(Plugin plugin, long nextNanos) {
      this.plugin = plugin;
      this.nextNanos = nextNanos;
    }
  }

  public PluginRunner(Path root, List<String> localDirs, int concurrency, OpenFalconJson json, Predicate<Sample> sink,
      MeterRegistry registry) {
    this(root, localDirs, concurrency, json, sink, registry, System::nanoTime);
  }

  PluginRunner(Path root, List<String> localDirs, int concurrency, OpenFalconJson json, Predicate<Sample> sink,
      MeterRegistry registry, LongSupplier nanoTime) {
    this.dirs = new PluginDirs(root, localDirs);
    this.concurrency = concurrency;
    this.json = json;
    this.sink = sink;
    this.registry = registry;
    this.nanoTime = nanoTime;
    this.rejected = Counter.builder("agent_plugin_rejected_samples")
        .description("items printed by plugins that the push rules refused").register(registry);
    this.dropped = Counter.builder("agent_dropped_samples").tag("reason", "queue_full")
        .description("samples that will not reach transfer, by reason").register(registry);
  }

  @Override
  public String name() {
    return "agent-plugins";
  }

  @Override
  public void start() {
    runners = NamedExecutors.fixed("agent-plugin", concurrency, MAX_WAITING_RUNS,
        new ThreadPoolExecutor.AbortPolicy());
    io = NamedExecutors.fixed("agent-plugin-io", 2 * concurrency, 4 * concurrency,
        new ThreadPoolExecutor.AbortPolicy());
    // plugins run every step (60 s and up, typically): idle pool threads end after a few seconds instead of staying
    // resident (stack, thread structures) between runs; starting one again costs far less than a run
    for (ThreadPoolExecutor pool : new ThreadPoolExecutor[] {runners, io}) {
      pool.setKeepAliveTime(IDLE_THREAD_SECONDS, TimeUnit.SECONDS);
      pool.allowCoreThreadTimeOut(true);
    }
    process = new PluginProcess(io, Path.of("/proc"));
    tick = NamedExecutors.scheduled(name());
    tick.scheduleWithFixedDelay(this::tickSafely, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    log.info("{}: plugin root {}, local directories {}, at most {} at once", name(), dirs.root(),
        dirs.resolve(List.of()), concurrency);
  }

  /** The plugin directories hbs names for this host; applied at the next tick. */
  public void updateHbsDirs(List<String> fromHbs) {
    List<String> next = List.copyOf(fromHbs);
    if (!next.equals(hbsDirs.getAndSet(next))) {
      rescanNow.set(true);
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.error("{}: tick failed", name(), e);
    }
  }

  void tick() {
    long now = nanoTime.getAsLong();
    if (rescanNow.getAndSet(false) || now - lastScanNanos >= RESCAN.toNanos()) {
      rescan(now);
    }
    for (Scheduled s : plugins.values()) {
      if (now - s.nextNanos < 0) {
        continue;
      }
      long step = TimeUnit.SECONDS.toNanos(s.plugin.stepSeconds());
      s.nextNanos = now - s.nextNanos >= step ? now + step : s.nextNanos + step; // far behind: no catch-up burst
      if (!s.running.compareAndSet(false, true)) {
        count(s.plugin, "skipped");
        logFor(s.plugin).warn("{}: {} is due but its previous run has not ended; skipped", name(), s.plugin.id());
        continue;
      }
      try {
        runners.execute(() -> runOnce(s));
      } catch (RejectedExecutionException e) {
        s.running.set(false);
        count(s.plugin, "skipped");
        logFor(s.plugin).warn("{}: {} is due but {} runs already wait for the {} runner slots; skipped", name(),
            s.plugin.id(), MAX_WAITING_RUNS, concurrency);
      }
    }
  }

  private void rescan(long now) {
    lastScanNanos = now;
    Map<String, Plugin> found = dirs.scan(dirs.resolve(hbsDirs.get()));
    boolean changed = plugins.keySet().retainAll(found.keySet());
    for (Plugin p : found.values()) {
      Scheduled s = plugins.get(p.id());
      if (s == null || s.plugin.stepSeconds() != p.stepSeconds()) {
        plugins.put(p.id(), new Scheduled(p, now));
        changed = true;
      }
    }
    if (changed) {
      log.info("{}: {} plugins: {}", name(), plugins.size(), plugins.keySet());
    }
  }

  /** Runs one plugin to its end and records the outcome; never throws. */
  private void runOnce(Scheduled s) {
    Plugin p = s.plugin;
    try {
      PluginProcess.Outcome o = process.run(p, p.timeoutMillis());
      switch (o.result()) {
        case OK -> accept(p, o);
        case FAILED -> {
          count(p, "failed");
          logFor(p).warn("{}: {} exited with {}; output not used; stderr: {}", name(), p.id(), o.exitCode(),
              o.stderr().strip());
        }
        case TIMEOUT -> {
          count(p, "timeout");
          logFor(p).warn("{}: {} ran past its {} ms; killed {} processes; stderr: {}", name(), p.id(),
              p.timeoutMillis(), o.killed(), o.stderr().strip());
          // what it printed before the deadline is still used when it is whole JSON
          if (o.stdout().length > 0 && !o.stdoutTruncated()) {
            parseAndQueue(p, o.stdout(), false);
          }
        }
      }
    } catch (IOException e) {
      count(p, "failed");
      logFor(p).warn("{}: {} could not be started: {}", name(), p.id(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      count(p, "failed");
      log.error("{}: running {} failed unexpectedly", name(), p.id(), e);
    } finally {
      s.running.set(false);
    }
  }

  private void accept(Plugin p, PluginProcess.Outcome o) {
    if (o.stdoutTruncated()) {
      count(p, "bad_output");
      logFor(p).warn("{}: {} printed more than {} bytes; output not used", name(), p.id(),
          PluginProcess.MAX_STDOUT_BYTES);
      return;
    }
    if (!o.stderr().isBlank()) {
      logFor(p).warn("{}: {} wrote to stderr: {}", name(), p.id(), o.stderr().strip());
    }
    count(p, parseAndQueue(p, o.stdout(), true) ? "ok" : "bad_output");
  }

  /** @return false when the output is not a JSON array */
  private boolean parseAndQueue(Plugin p, byte[] stdout, boolean logBad) {
    if (new String(stdout, StandardCharsets.UTF_8).isBlank()) {
      return true; // nothing to report this time: fine
    }
    ParsedBatch batch;
    try {
      batch = json.parse(new ByteArrayInputStream(stdout));
    } catch (MalformedBatchException e) {
      if (logBad) {
        String head = new String(stdout, 0, Math.min(stdout.length, 200), StandardCharsets.UTF_8);
        logFor(p).warn("{}: {} printed no Open-Falcon JSON array ({}); output starts: {}", name(), p.id(),
            e.getMessage(), head.strip());
      }
      return false;
    }
    for (Reject r : batch.rejects()) {
      rejected.increment();
      logFor(p).warn("{}: {} item {} refused: {} ({})", name(), p.id(), r.getIndex(), r.getReason(), r.getCode());
    }
    int full = 0;
    for (Sample sample : batch.samples()) {
      if (!sink.test(sample)) {
        full++;
      }
    }
    if (full > 0) {
      dropped.increment(full);
      logFor(p).warn("{}: queue full, {} samples of {} dropped", name(), full, p.id());
    }
    return true;
  }

  private void count(Plugin p, String result) {
    runs.computeIfAbsent(p.id() + "\n" + result, k -> Counter.builder("agent_plugin_runs").tag("plugin", p.id())
        .tag("result", result).description("plugin runs by outcome").register(registry)).increment();
  }

  private ThrottledLog logFor(Plugin p) {
    return logs.computeIfAbsent(p.id(), k -> new ThrottledLog(log, Duration.ofMinutes(1)));
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || tick == null) {
      return;
    }
    NamedExecutors.shutdown(tick, name(), Duration.ofSeconds(2));
    // a run in progress ends at its own deadline at the latest; interrupting it leaves the kill sweep undone
    NamedExecutors.shutdown(runners, "agent-plugin", Duration.ofSeconds(5));
    NamedExecutors.shutdown(io, "agent-plugin-io", Duration.ofSeconds(1));
    log.info("{}: stopped", name());
  }
}
