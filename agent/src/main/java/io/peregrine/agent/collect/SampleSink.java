package io.peregrine.agent.collect;

import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.util.function.Predicate;

/**
 * Where a collector's samples go, as their fields: the queue encodes them straight to wire bytes and the host page
 * updates a slot, so a round's ~5,000 samples with 100 containers make no {@code Sample} object each. Collectors pass
 * the same metric and tag Strings round after round, which the queue's and the page's lookups by identity rely on.
 */
@FunctionalInterface
public interface SampleSink {
  /** @return false when the sample is refused (the queue is full or closed) */
  boolean accept(String endpoint, String metric, String tags, double value, CounterType type, long timestamp,
      int step);

  /** A sink taking messages (tests, tools): builds one {@code Sample} per call. */
  static SampleSink ofSamples(Predicate<Sample> samples) {
    return (endpoint, metric, tags, value, type, timestamp, step) -> samples.test(Sample.newBuilder()
        .setEndpoint(endpoint).setMetric(metric).setTags(tags).setValue(value).setCounterType(type)
        .setTimestamp(timestamp).setStep(step).build());
  }
}
