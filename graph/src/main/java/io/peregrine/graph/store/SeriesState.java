package io.peregrine.graph.store;

import java.util.concurrent.atomic.AtomicReference;

/** A known series: its index entry plus what is kept in memory about its newest sample. */
final class SeriesState {
  /** No update time known yet (not opened since start): the writer reads it from the file. */
  static final long UNKNOWN = Long.MIN_VALUE;

  final SeriesMeta meta;
  /** The newest raw sample; null until one is written, or read back from the file after a restart. */
  final AtomicReference<LastPoint> last = new AtomicReference<>();
  /** The file's last update time (aligned); touched by the writer thread only. */
  long lastUpdate = UNKNOWN;

  SeriesState(SeriesMeta meta) {
    this.meta = meta;
  }
}
