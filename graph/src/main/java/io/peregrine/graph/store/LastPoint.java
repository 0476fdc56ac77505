package io.peregrine.graph.store;

/**
 * The newest raw sample stored for a series: the value as pushed (a counter's reading, not its rate) and its
 * timestamp in unix seconds.
 */
public record LastPoint(long timestamp, double value) {}
