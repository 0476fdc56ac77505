package io.peregrine.transfer.route;

import io.peregrine.common.server.ThrottledLog;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way to one graph or judge node: a bounded queue and one named worker that sends batches.
 *
 * <p>Full queue: {@link #offer} refuses and ingest answers OVERLOADED for that sample, so the client (an agent with
 * its disk spool) keeps it. Node down: the worker retries the same batch with capped backoff for as long as it
 * takes, while the queue fills and pushes back on clients; nothing is dropped while running. Samples the node
 * refuses as OVERLOADED are sent again; those it refuses as invalid are counted as dropped with the code. On close
 * the worker flushes until a deadline and counts whatever is left as dropped (reason shutdown).
 */
public final class NodeSender implements Component {
  private static final Logger log = LoggerFactory.getLogger(NodeSender.class);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(50);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration FLUSH_DEADLINE = Duration.ofSeconds(10);

  private final String name;
  private final BatchClient client;
  private final ArrayBlockingQueue<Sample> queue;
  private final int batchSize;
  private final Duration flushInterval;
  private final Duration callTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ThrottledLog failures;
  private final Counter sent;
  private final Counter sendFailures;
  private final MeterRegistry registry;
  private final String cluster;
  private final String node;
  private final Timer callTimer;
  private volatile boolean stopping;
  private volatile long stopDeadlineNanos;
  private ExecutorService worker;

  public NodeSender(String cluster, String node, BatchClient client, int capacity, int batchSize,
      Duration flushInterval, Duration callTimeout, MeterRegistry registry) {
    this.name = cluster + "-sender-" + node;
    this.cluster = cluster;
    this.node = node;
    this.client = client;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.batchSize = batchSize;
    this.flushInterval = flushInterval;
    this.callTimeout = callTimeout;
    this.registry = registry;
    this.failures = new ThrottledLog(log, Duration.ofSeconds(30));
    this.sent = Counter.builder("transfer_sent_samples").tag("cluster", cluster).tag("node", node)
        .description("samples delivered to a node").register(registry);
    this.sendFailures = Counter.builder("transfer_send_failures").tag("cluster", cluster)
        .tag("node", node).description("failed forwarding calls (retried)").register(registry);
    this.callTimer = Timer.builder("transfer_send_duration").tag("cluster", cluster).tag("node", node)
        .description("forwarding call latency").register(registry);
    Gauge.builder("transfer_queue_samples", queue, ArrayBlockingQueue::size).tag("cluster", cluster)
        .tag("node", node).description("samples waiting for a node").register(registry);
    Gauge.builder("transfer_queue_capacity_samples", () -> capacity).tag("cluster", cluster)
        .tag("node", node).register(registry);
  }

  @Override
  public String name() {
    return name;
  }

  /** Non-blocking: false when the queue is full or the sender is stopping. */
  public boolean offer(Sample sample) {
    return !stopping && queue.offer(sample);
  }

  public int queued() {
    return queue.size();
  }

  @Override
  public void start() {
    worker = NamedExecutors.fixed(name, 1, 1, new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());
    worker.execute(this::run);
  }

  private void run() {
    List<Sample> batch = new ArrayList<>(batchSize);
    try {
      while (!stopping || !queue.isEmpty()) {
        Sample first = queue.poll(flushInterval.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, batchSize - 1);
        if (!deliver(batch)) {
          break;
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int lost = batch.size() + queue.size();
    if (lost > 0) {
      dropped("shutdown", lost);
      log.warn("{}: stopped with {} samples not delivered to {} (counted as dropped, reason shutdown)", name, lost,
          node);
    }
  }

  /** Sends until the node took the batch; false when shutting down past the flush deadline. */
  private boolean deliver(List<Sample> batch) throws InterruptedException {
    long backoff = MIN_BACKOFF.toNanos();
    List<Sample> pending = batch;
    while (true) {
      if (stopping && System.nanoTime() > stopDeadlineNanos) {
        return false;
      }
      PushResponse response;
      long t0 = System.nanoTime();
      try {
        response = client.push(SampleBatch.newBuilder().addAllSamples(pending).build(), callTimeout);
      } catch (StatusRuntimeException e) {
        sendFailures.increment();
        if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
          dropped("rejected_batch", pending.size());
          log.error("{}: {} refused a whole batch of {} samples: {} (counted as dropped)", name, node,
              pending.size(), e.getStatus());
          return true;
        }
        failures.warn("{}: sending {} samples to {} failed: {}; retrying (queue {} samples)", name, pending.size(),
            node, e.getStatus(), queue.size());
        TimeUnit.NANOSECONDS.sleep(backoff); // a paced retry, not synchronisation
        backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
        continue;
      } finally {
        callTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      }
      List<Sample> retry = null;
      for (Reject r : response.getRejectsList()) {
        if (r.getCode() == RejectCode.OVERLOADED) {
          if (retry == null) {
            retry = new ArrayList<>();
          }
          retry.add(pending.get((int) r.getIndex()));
        } else {
          dropped("rejected_" + r.getCode().name().toLowerCase(), 1);
          failures.warn("{}: {} rejected a sample: {} {}", name, node, r.getCode(), r.getReason());
        }
      }
      sent.increment(pending.size() - response.getRejectsCount());
      if (retry == null) {
        return true;
      }
      pending = retry;
      TimeUnit.NANOSECONDS.sleep(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
    }
  }

  private void dropped(String reason, int n) {
    Counter.builder("transfer_dropped_samples").tag("cluster", cluster).tag("node", node)
        .tag("reason", reason).description("samples that did not reach a node, by reason").register(registry)
        .increment(n);
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    stopDeadlineNanos = System.nanoTime() + FLUSH_DEADLINE.toNanos();
    stopping = true;
    if (worker != null) {
      NamedExecutors.shutdown(worker, name, FLUSH_DEADLINE.plusSeconds(2));
    }
    client.close();
  }
}
