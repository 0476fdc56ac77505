package io.peregrine.transfer.route;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.transfer.NodeSpec;
import io.peregrine.transfer.TransferConfig;
import io.peregrine.transfer.queue.IngestLog;
import io.peregrine.transfer.queue.LaneQueue;
import io.peregrine.transfer.queue.OldQueues;
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
 * Builds every destination the config names (graph, judge, one per remote-write URL, upstream), owns their lanes
 * and the one {@link IngestLog} their disk queues share ({@code queueDir/ingest}), forces it to the device every
 * {@code fsyncInterval}, and stops them all in parallel within one {@code shutdownTimeout}.
 */
public final class Destinations implements Component {
  private static final Logger log = LoggerFactory.getLogger(Destinations.class);
  /** A batch of encoded samples stays well under gRPC's 16 MiB message limit. */
  private static final long MAX_BATCH_BYTES = 8L << 20;

  private final TransferConfig config;
  private final List<Destination> all = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private IngestLog ingestLog; // null: queues in memory only
  private ScheduledExecutorService fsync;

  /** With plaintext gRPC channels (tests). */
  public Destinations(TransferConfig config, MeterRegistry registry) {
    this(config, registry, TlsMaterial.plaintext("transfer"));
  }

  /** @param tls TLS of the gRPC channels to graph, judge and upstream transfers */
  public Destinations(TransferConfig config, MeterRegistry registry, TlsMaterial tls) {
    this.config = config;
    try {
      List<Plan> plans = new ArrayList<>();
      if (!config.graphNodes().isEmpty()) {
        plans.add(plan("graph", config.graphNodes(), a -> GrpcBatchSender.graph(a, config.callTimeout(), tls)));
      }
      if (!config.judgeNodes().isEmpty()) {
        plans.add(plan("judge", config.judgeNodes(), a -> GrpcBatchSender.judge(a, config.callTimeout(), tls)));
      }
      if (!config.upstreamNodes().isEmpty()) {
        plans.add(plan("upstream", config.upstreamNodes(),
            a -> GrpcBatchSender.transfer(a, config.callTimeout(), tls)));
      }
      for (int i = 0; i < config.remoteWriteUrls().size(); i++) {
        String url = config.remoteWriteUrls().get(i);
        plans.add(new Plan("remote_write_" + i, List.of(new NodeSpec("url", url)),
            u -> new RemoteWriteSender(u, config.callTimeout())));
      }
      openLog(plans);
      int consumer = 0;
      for (Plan p : plans) {
        all.add(build(p, consumer, registry));
        consumer += p.nodes.size() * config.lanesPerNode();
      }
      if (ingestLog != null) {
        Gauge.builder("transfer_queue_torn_bytes", ingestLog, IngestLog::tornBytes).tag("cluster", "ingest_log")
            .tag("node", "all").description("bytes of unfinished records cut from the disk queue's tail at start")
            .register(registry);
        Gauge.builder("transfer_ingest_log_bytes", ingestLog, IngestLog::bytes)
            .description("bytes of the shared disk queue's segment files").register(registry);
      }
    } catch (IOException e) {
      closeQueues();
      throw new UncheckedIOException("transfer: cannot open its disk queues under " + config.queueDir(), e);
    } catch (RuntimeException e) {
      closeQueues();
      throw e;
    }
  }

  /** A destination to build: its name, its nodes, how to send to one. */
  private record Plan(String name, List<NodeSpec> nodes, Function<String, BatchSender> senders) {}

  private Plan plan(String name, List<String> nodeTexts, Function<String, BatchSender> senders) {
    return new Plan(name, NodeSpec.parseAll("transfer." + name + "Nodes", nodeTexts), senders);
  }

  private static String consumerName(String destination, String node, int lane) {
    return destination + "/" + safe(node) + "/lane-" + lane;
  }

  /**
   * Opens the one ingest log every lane shares (with a {@code queueDir}). Each destination's budget is counted on
   * the log it has not passed, which holds every destination's copy of each request: so its budget there is
   * {@code diskBudget} times the number of destinations (every destination gets every sample), i.e. about
   * {@code diskBudget} of its own bytes, and all of them together never hold more than one queue per destination did.
   */
  private void openLog(List<Plan> plans) throws IOException {
    if (config.queueDir().isEmpty() || plans.isEmpty()) {
      return;
    }
    List<String> names = new ArrayList<>();
    for (Plan p : plans) {
      for (NodeSpec n : p.nodes) {
        for (int l = 0; l < config.lanesPerNode(); l++) {
          names.add(consumerName(p.name, n.name(), l));
        }
      }
    }
    Path dir = Path.of(config.queueDir(), "ingest");
    long segment = Math.max(64 << 10, Math.min(config.segmentBytes(), config.diskBudget() / 4));
    OldQueues.warnIfAny(Path.of(config.queueDir()));
    ingestLog = IngestLog.open(dir, segment, names);
    long budget = config.diskBudget() > Long.MAX_VALUE / plans.size() ? Long.MAX_VALUE
        : config.diskBudget() * plans.size();
    int at = 0;
    for (Plan p : plans) {
      int[] members = new int[p.nodes.size() * config.lanesPerNode()];
      for (int i = 0; i < members.length; i++) {
        members[i] = at++;
      }
      ingestLog.group(members, budget);
    }
  }

  private Destination build(Plan p, int firstConsumer, MeterRegistry registry) {
    int lanesPerNode = config.lanesPerNode();
    int laneCount = p.nodes.size() * lanesPerNode;
    long memoryPerLane = Math.max(1, config.memoryBudget() / laneCount);
    List<Lane> lanes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    int consumer = firstConsumer;
    for (NodeSpec n : p.nodes) {
      names.add(n.name());
      NodeMeters meters = new NodeMeters(registry, p.name, n.name());
      List<LaneQueue> queues = new ArrayList<>();
      for (int l = 0; l < lanesPerNode; l++) {
        LaneQueue q = ingestLog == null ? LaneQueue.inMemory(memoryPerLane)
            : LaneQueue.shared(ingestLog, consumer++, memoryPerLane);
        if (q.recoveredBytes() > 0) {
          log.info("transfer: {} node {} lane {}: undelivered records from the last run are sent first ({} bytes "
              + "of log from its oldest)", p.name, n.name(), l, q.recoveredBytes());
        }
        queues.add(q);
        lanes.add(new Lane(p.name + "-" + n.name() + "-" + l, q, p.senders.apply(n.address()), meters,
            config.batchSize(), MAX_BATCH_BYTES, config.flushInterval()));
      }
      gauges(registry, p.name, n.name(), queues);
    }
    return new Destination(p.name, names, lanes, lanesPerNode);
  }

  private static void gauges(MeterRegistry registry, String cluster, String node, List<LaneQueue> queues) {
    Gauge.builder("transfer_queue_samples", queues, qs -> qs.stream().mapToLong(LaneQueue::queuedSamples).sum())
        .tag("cluster", cluster).tag("node", node).description("samples waiting for a node").strongReference(true)
        .register(registry);
    Gauge.builder("transfer_queue_memory_bytes", queues, qs -> qs.stream().mapToLong(LaneQueue::memoryBytes).sum())
        .tag("cluster", cluster).tag("node", node).description("encoded samples held in memory for a node")
        .strongReference(true).register(registry);
    Gauge.builder("transfer_queue_disk_bytes", queues, qs -> qs.stream().mapToLong(LaneQueue::diskBytes).max()
            .orElse(0))
        .tag("cluster", cluster).tag("node", node)
        .description("bytes of the shared disk log a node keeps: from its oldest undelivered record on")
        .strongReference(true).register(registry);
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
    if (ingestLog != null) {
      fsync = NamedExecutors.scheduled("transfer-fsync");
      long every = config.fsyncInterval().toMillis();
      fsync.scheduleWithFixedDelay(this::syncAll, every, every, TimeUnit.MILLISECONDS);
    }
    log.info("transfer: {} destinations started ({}), queues {}", all.size(),
        all.stream().map(Destination::name).toList(),
        config.queueDir().isEmpty() ? "in memory only" : "under " + config.queueDir());
  }

  private void syncAll() {
    try {
      ingestLog.sync();
    } catch (IOException | RuntimeException e) {
      log.error("transfer: fsync of the disk queue failed", e);
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
    closeQueues();
    log.info("transfer: destinations stopped");
  }

  private void closeQueues() {
    if (ingestLog == null) {
      return;
    }
    try {
      ingestLog.close();
    } catch (IOException e) {
      log.warn("transfer: closing the disk queue failed", e);
    }
  }
}
