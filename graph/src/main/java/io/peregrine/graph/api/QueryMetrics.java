package io.peregrine.graph.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Count and latency of reads, on {@code graph_query_seconds{api,transport,outcome}}. */
public final class QueryMetrics {
  private final MeterRegistry registry;

  public QueryMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * @param api query, last or series
   * @param transport grpc or http
   * @param outcome ok, not_found, invalid or error
   */
  void record(String api, String transport, String outcome, long startNanos) {
    Timer.builder("graph_query").description("reads of the store: count and latency")
        .tags("api", api, "transport", transport, "outcome", outcome)
        .register(registry)
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }
}
