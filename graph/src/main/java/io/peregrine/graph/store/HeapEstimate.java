package io.peregrine.graph.store;

import io.peregrine.graph.GraphConfig;

/**
 * What graph reckons the heap costs, for {@code graph.memoryBudget}. An estimate, not a measurement: the JVM does not
 * say what one object graph costs cheaply, so the figures are fitted to heap-after-GC measurements of the store
 * and err on the high side when series share their names: 1,000,000 series of 30-character keys (5,000 endpoints x
 * 200 metrics) measured 305 bytes each (reckoned 400), the bench's own sample templates included; before the index
 * shared endpoint, metric and tag strings ({@link SharedNames}) the same series took 419 bytes, which is about what
 * series whose names are all distinct still take. A queued sample measured 332 bytes (reckoned 350).
 *
 * <p>A series in the index: {@value #SERIES_FIXED_BYTES} bytes (its record, its entries in the key map, the sorted
 * map and the Prometheus name map, its key's string header) plus 2 bytes per character of its key (Latin-1 strings
 * take a byte per character, others two). A series of a 40-character key is reckoned at 420 bytes. Endpoints,
 * metrics, tag texts, counters and label values shared by many series are not counted per series.
 *
 * <p>The write queue: {@code graph.writeQueueCapacity} times {@value GraphConfig#QUEUED_SAMPLE_BYTES} bytes,
 * reserved whole from the budget; the index may take the rest.
 */
public final class HeapEstimate {
  /** Per series, besides its key's characters. */
  public static final int SERIES_FIXED_BYTES = 340;

  private HeapEstimate() {}

  /** Reckoned bytes of one series in the index. */
  public static long series(String key) {
    return SERIES_FIXED_BYTES + 2L * key.length();
  }

  /** The budget's share for the write queue, reserved at start. */
  public static long queue(GraphConfig config) {
    return (long) config.writeQueueCapacity() * GraphConfig.QUEUED_SAMPLE_BYTES;
  }

  /** What the index may take of the budget: what the write queue's share leaves. */
  public static long indexBudget(GraphConfig config) {
    return config.memoryBudget() - queue(config);
  }
}
