package io.peregrine.transfer.route;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.transfer.NodeSpec;
import io.peregrine.transfer.TransferConfig;
import io.peregrine.transfer.queue.LaneQueue;
import io.peregrine.transfer.send.BatchSender;
import io.peregrine.transfer.send.GrpcBatchSender;
import io.peregrine.transfer.send.Lane;
import io.peregrine.transfer.send.NodeMeters;
import io.peregrine.transfer.send.RemoteWriteSender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every destination the config names (graph, judge, one per remote-write URL, upstream), owns their lanes,
 * forces the disk queues to the device every {@code fsyncInterval}, and stops them all in parallel within one
 * {@code shutdownTimeout}.
 */
public final class Destinations implements Component {
  private static final Logger log = LoggerFactory.getLogger(Destinations.class);
  /** A batch of encoded samples stays well under gRPC's 16 MiB message limit. */
  private static final long MAX_BATCH_BYTES = 8L << 20;

  private final TransferConfig config;
  private final List<Destination> all = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private ScheduledExecutorService fsync;

  /** With plaintext gRPC channels (tests). */
  public Destinations(TransferConfig config, MeterRegistry registry) {
    this(config, registry, TlsMaterial.plaintext("transfer"));
  }

  /** @param tls TLS of the gRPC channels to graph, judge and upstream transfers */
  public Destinations(TransferConfig config, MeterRegistry registry, TlsMaterial tls) {
    this.config = config;
    try {
      if (!config.graphNodes().isEmpty()) {
        all.add(ring("graph", config.graphNodes(), a -> GrpcBatchSender.graph(a, config.callTimeout(), tls),
            registry));
      }
      if (!config.judgeNodes().isEmpty()) {
        all.add(ring("judge", config.judgeNodes(), a -> GrpcBatchSender.judge(a, config.callTimeout(), tls),
            registry));
      }
      if (!config.upstreamNodes().isEmpty()) {
        all.add(ring("upstream", config.upstreamNodes(),
            a -> GrpcBatchSender.transfer(a, config.callTimeout(), tls), registry));
      }
      for (int i = 0; i < config.remoteWriteUrls().size(); i++) {
        String url = config.remoteWriteUrls().get(i);
        all.add(ring("remote_write_" + i, List.of("url=" + url),
            u -> new RemoteWriteSender(u, config.callTimeout()), registry));
      }
    } catch (IOException e) {
      closeQueues();
      throw new UncheckedIOException("transfer: cannot open its disk queues under " + config.queueDir(), e);
    } catch (RuntimeException e) {
      closeQueues();
      throw e;
    }
  }

  private Destination ring(String name, List<String> nodeTexts, Function<String, BatchSender> senders,
      MeterRegistry registry) throws IOException {
    List<NodeSpec> nodes = name.startsWith("remote_write") ? List.of(new NodeSpec("url",
        nodeTexts.get(0).substring(4))) : NodeSpec.parseAll("transfer." + name + "Nodes", nodeTexts);
    int lanesPerNode = config.lanesPerNode();
    int laneCount = nodes.size() * lanesPerNode;
    long memoryPerLane = Math.max(1, config.memoryBudget() / laneCount);
    long diskPerLane = config.diskBudget() / laneCount;
    long segment = Math.max(64 << 10, Math.min(config.segmentBytes(), diskPerLane / 4));
    List<Lane> lanes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (NodeSpec n : nodes) {
      names.add(n.name());
      NodeMeters meters = new NodeMeters(registry, name, n.name());
      List<LaneQueue> queues = new ArrayList<>();
      for (int l = 0; l < lanesPerNode; l++) {
        LaneQueue q = config.queueDir().isEmpty() ? LaneQueue.inMemory(memoryPerLane)
            : LaneQueue.onDisk(Path.of(config.queueDir(), name, safe(n.name()), "lane-" + l), memoryPerLane,
                diskPerLane, segment);
        if (q.tornBytes() > 0 || q.recoveredBytes() > 0) {
          log.info("transfer: {} node {} lane {}: {} bytes undelivered from the last run are sent first{}", name,
              n.name(), l, q.recoveredBytes(), q.tornBytes() > 0 ? " (a torn tail of " + q.tornBytes()
                  + " bytes was cut)" : "");
        }
        queues.add(q);
        lanes.add(new Lane(name + "-" + n.name() + "-" + l, q, senders.apply(n.address()), meters,
            config.batchSize(), MAX_BATCH_BYTES, config.flushInterval()));
      }
      gauges(registry, name, n.name(), queues);
    }
    return new Destination(name, names, lanes, lanesPerNode);
  }

  private static void gauges(MeterRegistry registry, String cluster, String node, List<LaneQueue> queues) {
    Gauge.builder("transfer_queue_samples", queues, qs -> qs.stream().mapToLong(LaneQueue::queuedSamples).sum())
        .tag("cluster", cluster).tag("node", node).description("samples waiting for a node").strongReference(true)
        .register(registry);
    Gauge.builder("transfer_queue_memory_bytes", queues, qs -> qs.stream().mapToLong(LaneQueue::memoryBytes).sum())
        .tag("cluster", cluster).tag("node", node).description("encoded samples held in memory for a node")
        .strongReference(true).register(registry);
    Gauge.builder("transfer_queue_disk_bytes", queues, qs -> qs.stream().mapToLong(LaneQueue::diskBytes).sum())
        .tag("cluster", cluster).tag("node", node).description("disk queue segment bytes for a node")
        .strongReference(true).register(registry);
    Gauge.builder("transfer_queue_torn_bytes", queues, qs -> qs.stream().mapToLong(LaneQueue::tornBytes).sum())
        .tag("cluster", cluster).tag("node", node)
        .description("bytes of unfinished records cut from the disk queue's tail at start").strongReference(true)
        .register(registry);
    Gauge.builder("transfer_queue_corrupt_bytes", queues,
            qs -> qs.stream().mapToLong(LaneQueue::corruptBytes).sum())
        .tag("cluster", cluster).tag("node", node)
        .description("disk queue bytes skipped because a record failed its checksum").strongReference(true).register(registry);
  }

  private static String safe(String nodeName) {
    return nodeName.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  public List<Destination> all() {
    return List.copyOf(all);
  }

  /** True while some lane of the destination refuses new batches. */
  public boolean full(Destination d) {
    for (Lane l : d.lanes()) {
      if (!l.queue().hasRoom()) {
        return true;
      }
    }
    return false;
  }

  public double stuckSeconds(Destination d) {
    Instant s = d.stuckSince();
    return s == null ? 0 : Math.max(0, (System.currentTimeMillis() - s.toEpochMilli()) / 1000.0);
  }

  /** One line for /health: "ok, 12 samples queued" or "stuck since ...: reason, N samples queued". */
  public String describe(Destination d) {
    Instant s = d.stuckSince();
    String queued = d.queuedSamples() + " samples queued" + (full(d) ? ", queue full: pushes refused" : "");
    return s == null ? "ok, " + queued : "stuck since " + s + " (" + d.stuckReason() + "), " + queued;
  }

  @Override
  public String name() {
    return "transfer-destinations";
  }

  @Override
  public void start() {
    all.forEach(Destination::start);
    if (!config.queueDir().isEmpty()) {
      fsync = NamedExecutors.scheduled("transfer-fsync");
      long every = config.fsyncInterval().toMillis();
      fsync.scheduleWithFixedDelay(this::syncAll, every, every, TimeUnit.MILLISECONDS);
    }
    log.info("transfer: {} destinations started ({}), queues {}", all.size(),
        all.stream().map(Destination::name).toList(),
        config.queueDir().isEmpty() ? "in memory only" : "under " + config.queueDir());
  }

  private void syncAll() {
    for (Destination d : all) {
      for (Lane l : d.lanes()) {
        try {
          l.queue().sync();
        } catch (RuntimeException e) {
          log.error("transfer: fsync of {}'s queue failed", l.name(), e);
        }
      }
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    all.forEach(d -> d.beginStop(deadline)); // every lane drains at once: one deadline for all, not one each
    all.forEach(Destination::awaitStop);
    if (fsync != null) {
      NamedExecutors.shutdown(fsync, "transfer-fsync", Duration.ofSeconds(1));
    }
    log.info("transfer: destinations stopped");
  }

  private void closeQueues() {
    for (Destination d : all) {
      for (Lane l : d.lanes()) {
        try {
          l.queue().close();
        } catch (IOException e) {
          log.warn("transfer: closing {}'s queue failed", l.name(), e);
        }
      }
    }
  }
}
