package io.peregrine.graph.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes series from the index and frees their slots for reuse: on request (an endpoint, a counter) and by
 * retention. Holds the store's mutation lock while it frees, so the writer never creates into a slot being freed.
 */
final class SeriesDeletion {
  private static final Logger log = LoggerFactory.getLogger(GraphStore.class);

  private final SeriesIndex index;
  private final SegmentFiles files;
  private final ReentrantLock mutations;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Duration retention;

  SeriesDeletion(SeriesIndex index, SegmentFiles files, ReentrantLock mutations, MeterRegistry registry, Clock clock,
      Duration retention) {
    this.index = index;
    this.files = files;
    this.mutations = mutations;
    this.registry = registry;
    this.clock = clock;
    this.retention = retention;
  }

  /**
   * Deletes the series matching: every series of {@code endpoint} (metric empty), one counter of an endpoint
   * (metric, and tags when {@code exactTags}), or a counter on every endpoint (endpoint empty). Counted on
   * {@code graph_deleted_series_total{reason="api"}} and logged.
   *
   * @return how many series were deleted
   */
  int delete(String endpoint, String metric, String tags, boolean exactTags) throws IOException {
    if (endpoint.isEmpty() && metric.isEmpty()) {
      throw new IllegalArgumentException("endpoint or metric is required: graph does not delete every series");
    }
    Iterable<SeriesMeta> candidates = endpoint.isEmpty() ? index.all() : index.ofEndpoint(endpoint);
    Predicate<SeriesMeta> match = m -> (endpoint.isEmpty() || m.endpoint().equals(endpoint))
        && (metric.isEmpty() || m.metric().equals(metric)) && (!exactTags || m.tags().equals(tags));
    int n = deleteWhere(candidates, match, "api");
    log.info("graph-store: deleted {} series on request (endpoint '{}', metric '{}'{})", n, endpoint, metric,
        exactTags ? ", tags '" + tags + "'" : "");
    return n;
  }

  /**
   * Deletes every series whose newest sample is older than the retention, by the store's clock.
   *
   * @return how many series were deleted
   */
  int sweepRetention() throws IOException {
    long cutoff = clock.instant().getEpochSecond() - retention.toSeconds();
    int n = deleteWhere(index.all(), m -> {
      long t = lastTimestamp(m);
      return t != SlotState.NONE && t < cutoff;
    }, "retention");
    if (n > 0) {
      log.info("graph-store: retention deleted {} series without a sample since {} ({} ago)", n,
          Instant.ofEpochSecond(cutoff), retention);
    }
    return n;
  }

  private long lastTimestamp(SeriesMeta m) {
    Segment seg = files.forRead(m.slot());
    if (seg == null) {
      return SlotState.NONE;
    }
    synchronized (files.lock(m.slot())) {
      return SlotState.getLong(seg.buffer(), seg.state(SegmentFiles.local(m.slot())), SlotState.LAST_T);
    }
  }

  private int deleteWhere(Iterable<SeriesMeta> candidates, Predicate<SeriesMeta> match, String reason)
      throws IOException {
    List<SeriesMeta> doomed = new ArrayList<>();
    for (SeriesMeta m : candidates) {
      if (match.test(m)) {
        doomed.add(m);
      }
    }
    if (doomed.isEmpty()) {
      return 0;
    }
    mutations.lock();
    try {
      int n = 0;
      for (SeriesMeta m : doomed) {
        if (index.get(m.key()) != m) {
          continue; // deleted meanwhile
        }
        Segment seg = files.forRead(m.slot());
        if (seg != null) {
          synchronized (files.lock(m.slot())) {
            SlotState.free(seg.buffer(), seg.state(SegmentFiles.local(m.slot())));
          }
        }
        index.delete(m);
        n++;
      }
      index.sync();
      Counter.builder("graph_deleted_series").description("series deleted, by reason").tag("reason", reason)
          .register(registry).increment(n);
      return n;
    } finally {
      mutations.unlock();
    }
  }
}
