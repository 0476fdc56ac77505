package io.peregrine.graph.store;

import io.peregrine.proto.v1.CounterType;

/**
 * Points of one series over a range, at one archive's resolution. {@code timestamps[i]} is the end of the interval
 * whose consolidated value is {@code values[i]}; NaN means no data in that interval.
 */
public record QueryResult(SeriesMeta series, int step, CounterType counterType, long[] timestamps, double[] values) {
  public int size() {
    return timestamps.length;
  }
}
