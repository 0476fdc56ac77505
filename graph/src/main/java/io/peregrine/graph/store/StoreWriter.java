package io.peregrine.graph.store;

import io.micrometer.core.instrument.Counter;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.rrd4j.core.RrdDb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes RRD files. It takes what the queue holds (up to {@link #BATCH} samples), groups it by
 * series so that each file is looked up once per batch, registers new series in the index (made durable before
 * their files exist), then applies each series' samples in arrival order. A sample that cannot be stored is counted
 * with its reason and the batch goes on; the loop ends when the store is stopping and the queue is empty.
 */
final class StoreWriter implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);
  /** Large enough to amortise the per-batch index sync, small enough to keep the latency to disk under a second. */
  static final int BATCH = 10_000;

  /** A queued sample with its series key, computed once on the gRPC thread. */
  record Pending(String key, Sample sample) {}

  private final BlockingQueue<Pending> queue;
  private final SeriesIndex index;
  private final RrdFiles files;
  private final Drops drops;
  private final Counter stored;
  private final BooleanSupplier stopping;

  StoreWriter(BlockingQueue<Pending> queue, SeriesIndex index, RrdFiles files, Drops drops, Counter stored,
      BooleanSupplier stopping) {
    this.queue = queue;
    this.index = index;
    this.files = files;
    this.drops = drops;
    this.stored = stored;
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
      write(batch);
      batch.clear();
    }
  }

  void write(List<Pending> batch) {
    Map<String, List<Sample>> bySeries = new LinkedHashMap<>();
    for (Pending p : batch) {
      bySeries.computeIfAbsent(p.key(), k -> new ArrayList<>(2)).add(p.sample());
    }
    List<SeriesState> states = new ArrayList<>(bySeries.size());
    boolean created = false;
    for (Map.Entry<String, List<Sample>> e : bySeries.entrySet()) {
      SeriesState state = index.get(e.getKey());
      if (state == null) {
        try {
          state = index.create(e.getKey(), e.getValue().get(0));
          created = true;
        } catch (IOException | RuntimeException ex) {
          drops.record("write_error", e.getValue().size(), "cannot add series " + e.getKey() + " to the index: " + ex);
        }
      }
      states.add(state);
    }
    if (created) {
      try {
        index.sync();
      } catch (IOException ex) {
        log.error("graph: cannot sync the series index; new series may be missing from it after a crash", ex);
      }
    }
    int i = 0;
    for (List<Sample> samples : bySeries.values()) {
      SeriesState state = states.get(i++);
      if (state != null) {
        writeSeries(state, samples);
      }
    }
  }

  private void writeSeries(SeriesState state, List<Sample> samples) {
    SeriesMeta meta = state.meta;
    Path path = index.path(meta);
    RrdDb db = null;
    int done = 0;
    int written = 0;
    try {
      for (Sample s : samples) {
        done++;
        if (s.getStep() != meta.step()) {
          drops.record("step_mismatch", 1, "series " + meta.key() + " has step " + meta.step() + " s, sample has "
              + s.getStep() + " s");
          continue;
        }
        if (s.getCounterType() != meta.counterType()) {
          drops.record("type_mismatch", 1, "series " + meta.key() + " is " + meta.counterType() + ", sample is "
              + s.getCounterType());
          continue;
        }
        long ts = RrdLayout.align(s.getTimestamp(), meta.step());
        if (db == null) {
          db = files.forWrite(path, meta, ts);
          if (state.lastUpdate == SeriesState.UNKNOWN) {
            state.lastUpdate = db.getLastUpdateTime();
          }
        }
        if (ts <= state.lastUpdate) {
          drops.record("out_of_order", 1, "series " + meta.key() + ": timestamp " + s.getTimestamp()
              + " (step start " + ts + ") is not after the last stored " + state.lastUpdate);
          continue;
        }
        if (meta.counterType() == CounterType.GAUGE && ts - state.lastUpdate > 2L * meta.step()) {
          // after a gap longer than the heartbeat rrd4j would spend this value on marking the gap unknown; an
          // unknown update a second earlier ends the gap there, so the value still fills its own step
          db.createSample(ts - 1).setValue(0, Double.NaN).update();
        }
        db.createSample(ts).setValue(0, s.getValue()).update();
        state.lastUpdate = ts;
        state.last.set(new LastPoint(s.getTimestamp(), s.getValue()));
        written++;
      }
    } catch (IOException | RuntimeException e) {
      int lost = samples.size() - done + 1;
      drops.record("write_error", lost, "series " + meta.key() + " file " + path + ": " + e);
      files.forget(path);
      state.lastUpdate = SeriesState.UNKNOWN;
    } finally {
      stored.increment(written);
    }
  }
}
