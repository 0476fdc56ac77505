package io.peregrine.graph.store;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.graph.GraphConfig;
import java.util.concurrent.ArrayBlockingQueue;

/** The store's gauges: series, segments, the write queue and the memory budget. */
final class StoreGauges {
  private StoreGauges() {}

  static void register(MeterRegistry registry, GraphConfig config, SeriesIndex index,
      ArrayBlockingQueue<StoreWriter.Pending> queue, SegmentFiles files) {
    Gauge.builder("graph_series", index, SeriesIndex::size).description("series in the index").register(registry);
    Gauge.builder("graph_segments", files, SegmentFiles::count).description("segment files open")
        .register(registry);
    Gauge.builder("graph_write_queue_size", queue, ArrayBlockingQueue::size)
        .description("samples accepted and waiting for the writer").register(registry);
    Gauge.builder("graph_write_queue_capacity", config, GraphConfig::writeQueueCapacity)
        .description("most samples the write queue holds").register(registry);
    Gauge.builder("graph_memory_budget_bytes", config, GraphConfig::memoryBudget)
        .description("graph.memoryBudget: heap the index and the write queue may take").register(registry);
    Gauge.builder("graph_memory_reckoned_bytes", index, i -> i.heapBytes() + HeapEstimate.queue(config))
        .description("heap the index is reckoned to take, plus the write queue's reserved share")
        .register(registry);
  }
}
