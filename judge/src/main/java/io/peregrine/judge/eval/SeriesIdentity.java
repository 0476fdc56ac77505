package io.peregrine.judge.eval;

import io.peregrine.common.model.SeriesKey;

/**
 * A series' identity as the history map sees it: endpoint, metric and canonical tags, with the 64-bit series hash.
 * The map is keyed by the series states themselves, and looked up with a per-thread {@link Probe} refilled for each
 * sample, so finding a series builds no key string and allocates nothing.
 */
abstract class SeriesIdentity {
  String endpoint;
  String metric;
  String tags;
  long hash;

  final void identify(String endpoint, String metric, String tags) {
    this.endpoint = endpoint;
    this.metric = metric;
    this.tags = tags;
    this.hash = SeriesKey.hash(endpoint, metric, tags);
  }

  /** {@code endpoint/metric/tags}, built on demand (the hot path never needs it). */
  final String key() {
    return SeriesKey.of(endpoint, metric, tags);
  }

  @Override
  public final int hashCode() {
    return (int) (hash ^ (hash >>> 32));
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof SeriesIdentity other && hash == other.hash && metric.equals(other.metric)
        && endpoint.equals(other.endpoint) && tags.equals(other.tags);
  }

  /** A mutable lookup key, one per thread. */
  static final class Probe extends SeriesIdentity {}
}
