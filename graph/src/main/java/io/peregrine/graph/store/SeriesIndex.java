package io.peregrine.graph.store;

import io.peregrine.common.model.PromNames;
import io.peregrine.common.model.Tags;
import io.peregrine.proto.v1.CounterType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every series graph holds: key to endpoint, metric, tags, step, counter type and slot, with the lookups the query
 * APIs need (by key; sorted for listing by endpoint; endpoints; counters; Prometheus metric names and label values).
 * Kept in memory and persisted ({@link SeriesLog}) as an append-only log of JSON lines, {@code series.log}: {@code {"op":"add",...}}
 * when a series is created (written with the writer's batch, forced to disk on the flush schedule), {@code {"op":"del","slot":N}} when one
 * is deleted. A torn last line (a crash mid-append) is cut off at load; the log is rewritten without deleted entries
 * at start when they outnumber the live ones.
 *
 * <p>Mutations (create, delete) come from one thread at a time (the store serialises them); readers see the maps
 * concurrently.
 */
final class SeriesIndex implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SeriesIndex.class);
  static final String FILE_NAME = "series.log";
  /** No slot is this high ({@code graph.maxSeries} is at most 100,000,000): a line saying so is damaged. */
  static final int MAX_SLOTS = 100_000_000;

  private final SeriesLog seriesLog;
  private final ConcurrentHashMap<String, SeriesMeta> byKey = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<String, SeriesMeta> sorted = new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<String, AtomicInteger> endpoints = new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<String, AtomicInteger> counters = new ConcurrentSkipListMap<>();
  /** Prometheus metric name to the keys of its series. */
  private final ConcurrentHashMap<String, Set<String>> byPromName = new ConcurrentHashMap<>();
  /** Prometheus label name to its values with how many series carry each. */
  private final ConcurrentHashMap<String, ConcurrentSkipListMap<String, AtomicInteger>> labels =
      new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  /** Endpoint, metric and tag strings shared by the series carrying them. */
  private final SharedNames names = new SharedNames();
  /** {@link HeapEstimate#series} summed over the live series. */
  private final AtomicLong heapBytes = new AtomicLong();
  private final BitSet usedSlots = new BitSet();
  private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
  private int nextSlot;

  SeriesIndex(Path dataDir) {
    this.seriesLog = new SeriesLog(dataDir.resolve(FILE_NAME));
  }

  /**
   * Reads the log and opens it for appending. Unreadable lines are skipped; the damaged log is then copied aside as
   * {@code series.log.corrupt-<millis>} and rewritten from what was read.
   */
  Loaded load() throws IOException {
    Map<Integer, SeriesMeta> bySlot = new HashMap<>();
    SeriesLog.Read read = seriesLog.read(new SeriesLog.Entries() {
      @Override
      public void added(SeriesMeta parsed) {
        SeriesMeta meta = shared(parsed.key(), parsed.endpoint(), parsed.metric(), parsed.tags(), parsed.step(),
            parsed.counterType(), parsed.slot());
        SeriesMeta before = bySlot.put(meta.slot(), meta);
        if (before != null) {
          remove(before);
        }
        SeriesMeta sameKey = byKey.get(meta.key());
        if (sameKey != null) { // re-created after a delete whose line was lost: the newer entry wins
          bySlot.remove(sameKey.slot());
          remove(sameKey);
        }
        add(meta);
      }

      @Override
      public void deleted(int slot) {
        SeriesMeta gone = bySlot.remove(slot);
        if (gone != null) {
          remove(gone);
        }
      }
    });
    boolean movedAside = false;
    if (read.unreadable() > 0) {
      // keep the damaged log for inspection, then rewrite it from what was read so the bad lines are gone
      Path aside = seriesLog.keepDamagedCopy();
      log.error("graph-store: {} had {} unreadable lines (their series are forgotten, and their slots reused); "
          + "kept a copy as {} and rewrote the log with the {} series it holds", seriesLog.file(), read.unreadable(),
          aside, count.get());
      movedAside = true;
    }
    for (int s = 0; s < nextSlot; s++) {
      if (!usedSlots.get(s)) {
        freeSlots.add(s);
      }
    }
    if (movedAside || read.lines() > 2 * count.get() + 1_000) {
      seriesLog.compact(sorted.values(), count.get());
    }
    seriesLog.open();
    return new Loaded(count.get(), movedAside);
  }

  /** What {@link #load} found: the series, and whether the log was damaged (a copy moved aside). */
  record Loaded(int series, boolean movedAside) {}

  SeriesMeta get(String key) {
    return byKey.get(key);
  }

  int size() {
    return count.get();
  }

  /** The heap the live series are reckoned to take ({@link HeapEstimate}). */
  long heapBytes() {
    return heapBytes.get();
  }

  /** Slots ever allocated (the highest plus one). */
  int slotsAllocated() {
    return nextSlot;
  }

  /** Adds a series for its first sample and appends it to the log (made durable by {@link #sync()}). */
  SeriesMeta create(String key, String endpoint, String metric, String tags, int step, CounterType type) {
    Integer free = freeSlots.poll();
    int slot = free != null ? free : nextSlot;
    SeriesMeta meta = shared(key, endpoint, metric, tags, step, type, slot);
    seriesLog.appendAdd(meta);
    add(meta);
    return meta;
  }

  /** Removes a series and logs it; its slot is free for a new series. */
  void delete(SeriesMeta meta) {
    if (byKey.get(meta.key()) != meta) {
      return;
    }
    seriesLog.appendDelete(meta.slot());
    remove(meta);
    freeSlots.add(meta.slot());
  }

  /**
   * The same series holding the shared instances of its endpoint, metric and tags (each use counted; released by
   * {@link #remove}). Called once per new series (created or loaded), never per sample, before {@link #add}.
   */
  private SeriesMeta shared(String key, String endpoint, String metric, String tags, int step, CounterType type,
      int slot) {
    return new SeriesMeta(key, names.acquire(endpoint), names.acquire(metric), names.acquire(tags), step, type, slot);
  }

  private void add(SeriesMeta m) {
    byKey.put(m.key(), m);
    sorted.put(m.key(), m);
    usedSlots.set(m.slot());
    nextSlot = Math.max(nextSlot, m.slot() + 1);
    count.incrementAndGet();
    heapBytes.addAndGet(HeapEstimate.series(m.key()));
    endpoints.computeIfAbsent(m.endpoint(), k -> new AtomicInteger()).incrementAndGet();
    counters.computeIfAbsent(m.counter(), k -> new AtomicInteger()).incrementAndGet();
    String prom = PromNames.metric(m.metric());
    byPromName.computeIfAbsent(prom, k -> ConcurrentHashMap.newKeySet()).add(m.key());
    addLabel("__name__", prom);
    addLabel("endpoint", m.endpoint());
    if (!m.tags().isEmpty()) {
      for (Map.Entry<String, String> t : Tags.toMap(m.tags()).entrySet()) {
        addLabel(PromNames.label(t.getKey()), t.getValue());
      }
    }
  }

  private void remove(SeriesMeta m) {
    if (!byKey.remove(m.key(), m)) {
      return;
    }
    sorted.remove(m.key(), m);
    names.release(m.endpoint());
    names.release(m.metric());
    names.release(m.tags());
    usedSlots.clear(m.slot());
    count.decrementAndGet();
    heapBytes.addAndGet(-HeapEstimate.series(m.key()));
    decrement(endpoints, m.endpoint());
    decrement(counters, m.counter());
    String prom = PromNames.metric(m.metric());
    Set<String> keys = byPromName.get(prom);
    if (keys != null) {
      keys.remove(m.key());
      if (keys.isEmpty()) {
        byPromName.remove(prom, keys);
      }
    }
    removeLabel("__name__", prom);
    removeLabel("endpoint", m.endpoint());
    for (Map.Entry<String, String> t : Tags.toMap(m.tags()).entrySet()) {
      removeLabel(PromNames.label(t.getKey()), t.getValue());
    }
  }

  private void addLabel(String name, String value) {
    labels.computeIfAbsent(name, k -> new ConcurrentSkipListMap<>())
        .computeIfAbsent(value, k -> new AtomicInteger()).incrementAndGet();
  }

  private void removeLabel(String name, String value) {
    ConcurrentSkipListMap<String, AtomicInteger> values = labels.get(name);
    if (values != null) {
      decrement(values, value);
      if (values.isEmpty()) {
        labels.remove(name, values);
      }
    }
  }

  private static void decrement(ConcurrentSkipListMap<String, AtomicInteger> map, String k) {
    AtomicInteger n = map.get(k);
    if (n != null && n.decrementAndGet() <= 0) {
      map.remove(k, n);
    }
  }

  /**
   * Writes the buffered entries to the log (the page cache: a killed process loses none of them); called once per
   * writer batch that created series, and by deletes. {@link #force()} makes them durable.
   */
  void sync() throws IOException {
    seriesLog.sync();
  }

  /** Forces what {@link #sync()} wrote to the disk; on the store's flush schedule. Safe from any thread. */
  void force() throws IOException {
    seriesLog.force();
  }

  /**
   * Series in key order, filtered by exact endpoint (empty: all) and metric prefix (empty: all), at most
   * {@code limit}.
   */
  SeriesPage list(String endpoint, String metricPrefix, int limit) {
    List<SeriesMeta> found = new ArrayList<>(Math.min(limit, 1024));
    Iterable<SeriesMeta> range = endpoint.isEmpty() ? sorted.values()
        : sorted.subMap(endpoint + "/" + metricPrefix, true, endpoint + "0", false).values(); // '0' follows '/'
    for (SeriesMeta m : range) {
      if ((endpoint.isEmpty() || m.endpoint().equals(endpoint)) && m.metric().startsWith(metricPrefix)) {
        if (found.size() == limit) {
          return new SeriesPage(found, true);
        }
        found.add(m);
      }
    }
    return new SeriesPage(found, false);
  }

  /** Every series (a weakly consistent view: for sweeps). */
  Iterable<SeriesMeta> all() {
    return byKey.values();
  }

  /** The series of one endpoint, in key order. */
  Iterable<SeriesMeta> ofEndpoint(String endpoint) {
    return sorted.subMap(endpoint + "/", true, endpoint + "0", false).values();
  }

  Set<String> endpointNames() {
    return endpoints.keySet();
  }

  Set<String> counterNames() {
    return counters.keySet();
  }

  /** Keys of the series whose Prometheus metric name is {@code name}. */
  Set<String> byPromName(String name) {
    Set<String> keys = byPromName.get(name);
    return keys == null ? Set.of() : keys;
  }

  Set<String> promNames() {
    return byPromName.keySet();
  }

  Set<String> labelNames() {
    return labels.keySet();
  }

  Set<String> labelValues(String name) {
    ConcurrentSkipListMap<String, AtomicInteger> values = labels.get(name);
    return values == null ? Set.of() : values.keySet();
  }

  @Override
  public void close() {
    seriesLog.close();
  }
}
