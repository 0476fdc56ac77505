package io.peregrine.graph.store;

import io.peregrine.proto.v1.CounterType;

/**
 * What the index remembers of a series: its identity, how its RRD file was made, and where the file is.
 *
 * @param key {@code endpoint/metric/tags}
 * @param tags canonical tag text
 * @param step seconds per raw point, fixed when the file was created
 * @param counterType fixed when the file was created
 * @param file the RRD file, relative to the data directory
 */
public record SeriesMeta(String key, String endpoint, String metric, String tags, int step, CounterType counterType,
    String file) {}
