package io.peregrine.common.testing;

import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;

/** Builders for samples in tests of every module. */
public final class TestSamples {
  private TestSamples() {}

  public static Sample gauge(String endpoint, String metric, String tags, double value, long timestamp) {
    return Sample.newBuilder().setEndpoint(endpoint).setMetric(metric).setTags(tags).setValue(value)
        .setTimestamp(timestamp).setStep(60).setCounterType(CounterType.GAUGE).build();
  }

  public static Sample counter(String endpoint, String metric, String tags, double value, long timestamp) {
    return gauge(endpoint, metric, tags, value, timestamp).toBuilder().setCounterType(CounterType.COUNTER).build();
  }
}
