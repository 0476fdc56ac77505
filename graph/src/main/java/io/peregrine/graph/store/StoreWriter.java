package io.peregrine.graph.store;

import io.micrometer.core.instrument.Counter;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that applies samples. It takes what the queue holds (up to {@link #BATCH} samples) and, holding the
 * store's mutation lock (deletes and the retention sweep take it too), creates the series it does not know (index
 * entry appended, slot initialised) and applies each sample to its slot in arrival order; new index entries are
 * written once per batch (and forced to disk on the store's flush schedule). A sample that cannot be stored is counted with its reason and the batch goes on;
 * the loop ends when the store is stopping and the queue is empty.
 */
final class StoreWriter implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);
  /** Large enough to amortise the per-batch index sync, small enough to keep the latency to disk under a second. */
  static final int BATCH = 10_000;

  /** A queued sample with its series key, computed once on the gRPC thread. */
  record Pending(String key, Sample sample) {}

  private final BlockingQueue<Pending> queue;
  private final SeriesIndex index;
  private final SegmentFiles files;
  private final ReentrantLock mutations;
  private final int maxSeries;
  private final long indexBudget;
  /** True from the first new series the budget refused until one fits again: the log says both once. */
  private boolean budgetSpent;
  private final Drops drops;
  private final Counter stored;
  private final Counter created;
  private final Counter damagedSlots;
  private final BooleanSupplier stopping;

  StoreWriter(BlockingQueue<Pending> queue, SeriesIndex index, SegmentFiles files, ReentrantLock mutations,
      int maxSeries, long indexBudget, Drops drops, Counter stored, Counter created, Counter damagedSlots,
      BooleanSupplier stopping) {
    this.queue = queue;
    this.index = index;
    this.files = files;
    this.mutations = mutations;
    this.maxSeries = maxSeries;
    this.indexBudget = indexBudget;
    this.drops = drops;
    this.stored = stored;
    this.created = created;
    this.damagedSlots = damagedSlots;
    this.stopping = stopping;
  }

  @Override
  public void run() {
    List<Pending> batch = new ArrayList<>(BATCH);
    while (true) {
      Pending first;
      try {
        first = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (first == null) {
        if (stopping.getAsBoolean()) {
          return;
        }
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, BATCH - 1);
      mutations.lock();
      try {
        write(batch);
      } finally {
        mutations.unlock();
      }
      batch.clear();
    }
  }

  /**
   * Whether a new series fits the memory budget's share for the index; if not, its sample is dropped
   * ({@code memory_budget}). Existing series are never refused for memory.
   */
  private boolean fitsBudget(String key) {
    long used = index.heapBytes();
    if (used + HeapEstimate.series(key) <= indexBudget) {
      if (budgetSpent) {
        budgetSpent = false;
        log.info("graph-store: the memory budget has room again ({} series reckoned at {} of {} bytes); new series "
            + "are created again", index.size(), used, indexBudget);
      }
      return true;
    }
    if (!budgetSpent) {
      budgetSpent = true;
      log.warn("graph-store: memory budget reached: {} series are reckoned at {} of the {} bytes graph.memoryBudget "
          + "leaves the index; samples of new series are dropped (graph_dropped_samples{reason=\"memory_budget\"}), "
          + "existing series go on. Raise graph.memoryBudget (and the heap) or delete series", index.size(), used,
          indexBudget);
    }
    drops.record("memory_budget", 1, "series " + key + " is new and the index is at its memory budget (" + used
        + " of " + indexBudget + " bytes)");
    return false;
  }

  void write(List<Pending> batch) {
    int written = 0;
    int newSeries = 0;
    for (Pending p : batch) {
      Sample s = p.sample();
      SeriesMeta meta = index.get(p.key());
      boolean fresh = false;
      try {
        if (meta == null) {
          if (index.size() >= maxSeries) {
            drops.record("series_limit", 1, "series " + p.key() + " is new and graph holds graph.maxSeries = "
                + maxSeries + " series");
            continue;
          }
          if (!fitsBudget(p.key())) {
            continue;
          }
          meta = index.create(p.key(), s.getEndpoint(), s.getMetric(), s.getTags(), s.getStep(), s.getCounterType());
          fresh = true;
          newSeries++;
        } else if (s.getStep() != meta.step()) {
          drops.record("step_mismatch", 1, "series " + meta.key() + " has step " + meta.step() + " s, sample has "
              + s.getStep() + " s");
          continue;
        } else if (s.getCounterType() != meta.counterType()) {
          drops.record("type_mismatch", 1, "series " + meta.key() + " is " + meta.counterType() + ", sample is "
              + s.getCounterType());
          continue;
        }
        Segment seg = files.forWrite(meta.slot());
        int local = SegmentFiles.local(meta.slot());
        boolean applied;
        synchronized (files.lock(meta.slot())) {
          long at = seg.state(local);
          if (fresh || !SlotState.used(seg.buffer(), at)) {
            // a new series always starts empty: its slot may still hold a series whose log line was lost in a
            // crash (the slot was applied, the line not yet appended); or its segment was replaced
            SlotState.init(seg.buffer(), at, meta.step(), meta.counterType().getNumber());
          } else if (!SlotState.matches(seg.buffer(), at, meta.step(), meta.counterType().getNumber())) {
            log.error("graph-store: the state of series {} in {} (slot {}) is damaged (its step or type differs "
                + "from the series log); starting it afresh", meta.key(), seg.path, meta.slot());
            damagedSlots.increment();
            SlotState.init(seg.buffer(), at, meta.step(), meta.counterType().getNumber());
          }
          applied = Consolidator.apply(seg, local, s.getTimestamp(), s.getValue());
        }
        if (applied) {
          written++;
        } else {
          drops.record("out_of_order", 1, "series " + meta.key() + ": timestamp " + s.getTimestamp()
              + " is not after its newest sample");
        }
      } catch (IOException | RuntimeException e) {
        drops.record("write_error", 1, "series " + p.key() + ": " + e);
      }
    }
    if (newSeries > 0) {
      try {
        index.sync();
      } catch (IOException ex) {
        log.error("graph-store: cannot write the series log; new series may be missing from it after a crash", ex);
      }
      created.increment(newSeries);
    }
    stored.increment(written);
  }
}
