package io.peregrine.judge.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.judge.eval.EventSink;
import io.peregrine.judge.publish.BatchAlertPublisher;
import io.peregrine.judge.publish.PendingAlerts;
import io.peregrine.judge.publish.RedisAlertPublisher;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bench's Redis mode: events go through the production {@link PendingAlerts} and {@link RedisAlertPublisher}
 * (one script call per batch of pending events) to a real Redis under a key prefix of their own, deleted at the
 * end; each event's latency is from the arrival of its sample's batch at Judge.Push to the script call that wrote
 * it returning.
 */
final class RedisLatency implements AutoCloseable {
  private static final int MAX_EVENTS = 10_000_000;
  private final String url;
  private final String prefix;
  private final RedisAlertPublisher redis;
  private final PendingAlerts pending;
  private final ThreadLocal<long[]> arrival = ThreadLocal.withInitial(() -> new long[1]);
  private final ConcurrentHashMap<String, Long> arrivals = new ConcurrentHashMap<>();
  private final long[] latencies = new long[MAX_EVENTS];
  /** Arrival to the start of the call that wrote the event, per event. */
  private final long[] waits = new long[MAX_EVENTS];
  private final long[] calls = new long[MAX_EVENTS / 16];
  private int count;
  private int callCount;
  private long gcCount0;
  private long gcMillis0;
  private volatile boolean measuring;

  RedisLatency(String url, String prefix, MeterRegistry registry) {
    this.url = url;
    this.prefix = prefix;
    this.redis = new RedisAlertPublisher(url, prefix);
    redis.start();
    this.pending = new PendingAlerts(new Timed(), redis.describe(), 1_000_000, Duration.ofSeconds(10), registry);
    pending.start();
  }

  /** The batch being pushed on this thread arrived now. */
  void arrived(long nanos) {
    arrival.get()[0] = nanos;
  }

  EventSink sink(LongAdder events) {
    return e -> {
      arrivals.put(e.eventKey(), arrival.get()[0]);
      events.increment();
      return pending.offer(e);
    };
  }

  /** Waits for the warm-up's events to be written, then records latencies from here on. */
  void startMeasuring() throws InterruptedException {
    drain();
    synchronized (this) {
      count = 0;
      callCount = 0;
    }
    gcCount0 = gcCount();
    gcMillis0 = gcMillis();
    measuring = true;
  }

  private static long gcCount() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  private static long gcMillis() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionTime());
    }
    return n;
  }

  private static double at(long[] sorted, double quantile) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1e6;
  }

  JudgeBench.Latency finish() throws InterruptedException {
    drain();
    measuring = false;
    long gcs = gcCount() - gcCount0;
    long gcTime = gcMillis() - gcMillis0;
    long[] sorted;
    long[] waited;
    long[] called;
    synchronized (this) {
      sorted = Arrays.copyOf(latencies, count);
      waited = Arrays.copyOf(waits, count);
      called = Arrays.copyOf(calls, callCount);
    }
    Arrays.sort(sorted);
    Arrays.sort(waited);
    Arrays.sort(called);
    return new JudgeBench.Latency(sorted.length, at(sorted, 0.5), at(sorted, 0.99), at(sorted, 1), at(waited, 0.99),
        called.length, called.length == 0 ? 0 : (double) sorted.length / called.length, at(called, 0.5),
        at(called, 0.99), at(called, 1), gcs, gcTime);
  }

  private void drain() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (pending.size() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10); // the bench waits for its own queue to empty, with a deadline; not a test
    }
  }

  /** The Redis publisher, timing each batch. */
  private final class Timed implements BatchAlertPublisher {
    @Override
    public void publishAll(List<AlertEvent> events) throws AlertQueueException {
      long start = System.nanoTime();
      redis.publishAll(events);
      timed(events, start);
    }

    /** The production pipelining: the call is sent now, and timed once it is waited for. */
    @Override
    public Call start(List<AlertEvent> events) {
      long start = System.nanoTime();
      Call call = redis.start(events);
      return () -> {
        call.await();
        timed(events, start);
      };
    }

    private void timed(List<AlertEvent> events, long start) {
      long now = System.nanoTime();
      synchronized (RedisLatency.this) {
        if (measuring && callCount < calls.length) {
          calls[callCount++] = now - start;
        }
        for (AlertEvent e : events) {
          Long at = arrivals.remove(e.eventKey());
          if (measuring && at != null && count < MAX_EVENTS) {
            waits[count] = start - at;
            latencies[count++] = now - at;
          }
        }
      }
    }

    @Override
    public boolean healthy() {
      return redis.healthy();
    }
  }

  @Override
  public void close() {
    pending.close();
    redis.close();
    RedisClient client = RedisClient.create(url);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      List<String> keys = c.sync().keys(prefix + "*");
      if (!keys.isEmpty()) {
        c.sync().del(keys.toArray(new String[0]));
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
