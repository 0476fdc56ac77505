package io.peregrine.graph.store;

import io.peregrine.proto.v1.CounterType;

/**
 * What the index remembers of a series: its identity, its step and counter type, and its slot in the segments.
 *
 * @param key {@code endpoint/metric/tags}
 * @param tags canonical tag text
 * @param step seconds per raw point, fixed when the series was created
 * @param counterType fixed when the series was created
 * @param slot where its state and cells live (segment {@code slot / 4096})
 */
public record SeriesMeta(String key, String endpoint, String metric, String tags, int step, CounterType counterType,
    int slot) {
  /** Open-Falcon's "counter": the metric and its tags, {@code metric/tags}. */
  public String counter() {
    return tags.isEmpty() ? metric : metric + "/" + tags;
  }
}
