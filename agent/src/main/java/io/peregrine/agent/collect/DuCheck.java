package io.peregrine.agent.collect;

import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.server.ThrottledLog;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * du.bs [path=/data/log]: the apparent size in bytes of everything under the path (files and directories, like
 * {@code du -bs}; symbolic links are not followed, a hard-linked file counts once per link), walked under
 * {@code <hostRoot>}. Each walk has a time budget: past it the walk stops and the path reports -1 (Open-Falcon's
 * value for a failed du). Entries that cannot be read are skipped and counted in the log line.
 *
 * <p>Walks run on {@link #WALKERS} threads of their own, and the round waits for each at most budget + 1 s: a walk
 * blocked inside the kernel (a dead NFS server: the budget cannot interrupt a stat that never returns) reports -1
 * and is not started again while it is still stuck, so one hung mount costs one walker, not the checks thread.
 */
final class DuCheck implements Collector, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DuCheck.class);
  static final int WALKERS = 2;
  private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private record Walk(Future<Long> result, long startNanos) {}

  private final BuiltinChecks checks;
  private final HostPaths paths;
  private final Duration budget;
  private final LongSupplier nanoTime;
  private final ThreadPoolExecutor walkers;
  private final ThrottledLog failures = new ThrottledLog(log, Duration.ofMinutes(5));
  /** Walks started in an earlier round and not yet reported (stuck); only the checks thread touches it. */
  private final Map<String, Walk> running = new HashMap<>();

  DuCheck(BuiltinChecks checks, HostPaths paths, Duration budget, LongSupplier nanoTime) {
    this.checks = checks;
    this.paths = paths;
    this.budget = budget;
    this.nanoTime = nanoTime;
    this.walkers = NamedExecutors.fixed("agent-du", WALKERS, BuiltinChecks.MAX_PER_KIND,
        new ThreadPoolExecutor.AbortPolicy());
  }

  @Override
  public String name() {
    return "du";
  }

  @Override
  public void collect(SampleEmitter out) throws InterruptedException {
    List<BuiltinChecks.Du> items = checks.current().du();
    running.keySet().removeIf(path -> items.stream().noneMatch(d -> d.path().equals(path)));
    Map<BuiltinChecks.Du, Walk> round = new HashMap<>();
    for (BuiltinChecks.Du d : items) {
      Walk w = running.get(d.path());
      if (w != null && !w.result().isDone()) {
        round.put(d, w); // still stuck from an earlier round
        continue;
      }
      round.put(d, new Walk(walkers.submit(() -> walk(d.path())), nanoTime.getAsLong()));
    }
    for (BuiltinChecks.Du d : items) {
      Walk w = round.get(d);
      long wait = w.startNanos() + budget.toNanos() + GRACE_NANOS - nanoTime.getAsLong();
      try {
        out.gauge("du.bs", d.tags(), w.result().get(Math.max(0, wait), TimeUnit.NANOSECONDS));
        running.remove(d.path());
      } catch (TimeoutException e) {
        running.put(d.path(), w);
        failures.warn("agent-checks: du.bs walk of {} has not returned for {} s (a hung mount?); reporting -1",
            d.path(), (nanoTime.getAsLong() - w.startNanos()) / 1_000_000_000L);
        out.gauge("du.bs", d.tags(), -1);
      } catch (ExecutionException e) {
        running.remove(d.path());
        failures.warn("agent-checks: du.bs walk of {} failed: {}", d.path(), e.getCause().toString());
        out.gauge("du.bs", d.tags(), -1);
      }
    }
  }

  /** Bytes under path, or -1 when it does not exist or the budget ran out. */
  long walk(String path) throws IOException {
    Path root = paths.root().resolve(path.substring(1));
    if (!Files.exists(root)) {
      failures.warn("agent-checks: du.bs path {} does not exist (looked at {})", path, root);
      return -1;
    }
    long deadline = nanoTime.getAsLong() + budget.toNanos();
    long[] bytes = {0};
    int[] unreadable = {0};
    boolean[] overBudget = {false};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        bytes[0] += attrs.size();
        return check();
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        bytes[0] += attrs.size();
        return check();
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        unreadable[0]++;
        return check();
      }

      private FileVisitResult check() {
        if (nanoTime.getAsLong() - deadline > 0 || Thread.currentThread().isInterrupted()) {
          overBudget[0] = true;
          return FileVisitResult.TERMINATE;
        }
        return FileVisitResult.CONTINUE;
      }
    });
    if (overBudget[0]) {
      failures.warn("agent-checks: du.bs walk of {} took more than its budget of {} ms; reporting -1", path,
          budget.toMillis());
      return -1;
    }
    if (unreadable[0] > 0) {
      failures.warn("agent-checks: du.bs of {}: {} entries could not be read and are not counted", path,
          unreadable[0]);
    }
    return bytes[0];
  }

  @Override
  public void close() {
    NamedExecutors.shutdown(walkers, "agent-du", Duration.ofSeconds(1));
  }
}
