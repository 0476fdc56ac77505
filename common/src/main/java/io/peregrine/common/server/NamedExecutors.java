package io.peregrine.common.server;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place threads are made: named, daemon, bounded queues, explicit rejection. */
public final class NamedExecutors {
  private static final Logger log = LoggerFactory.getLogger(NamedExecutors.class);

  private NamedExecutors() {}

  public static ThreadFactory threadFactory(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      t.setUncaughtExceptionHandler((th, e) -> log.error("uncaught exception in {}", th.getName(), e));
      return t;
    };
  }

  /**
   * A fixed pool whose queue holds at most {@code queueCapacity} tasks; beyond that {@code rejection} decides
   * (AbortPolicy makes the caller see the overload, CallerRunsPolicy slows it down).
   */
  public static ThreadPoolExecutor fixed(String name, int threads, int queueCapacity,
      RejectedExecutionHandler rejection) {
    return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity),
        threadFactory(name), rejection);
  }

  public static ScheduledExecutorService scheduled(String name) {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, threadFactory(name));
    s.setRemoveOnCancelPolicy(true);
    return s;
  }

  /** Stops accepting, waits up to {@code grace} for running work, then interrupts it; logs if it had to. */
  public static void shutdown(ExecutorService executor, String name, Duration grace) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        int dropped = executor.shutdownNow().size();
        log.warn("{}: work still running after {} ms; interrupted it, {} queued tasks dropped", name,
            grace.toMillis(), dropped);
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
