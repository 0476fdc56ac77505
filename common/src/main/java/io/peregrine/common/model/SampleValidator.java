package io.peregrine.common.model;

import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import java.time.Clock;

/**
 * The one set of rules every ingress applies (gRPC, Open-Falcon JSON, the agent's push API). A sample either comes
 * back normalised (canonical tags, timestamp in seconds, "now" for a missing one) or is refused with a reason, and
 * its neighbours in the batch are unaffected. Thread-safe.
 */
public final class SampleValidator {
  /** Anything at or above this is taken as milliseconds: 1e12 s is the year 33658, 1e12 ms is 2001. */
  private static final long MILLIS_THRESHOLD = 1_000_000_000_000L;

  private final Clock clock;

  public SampleValidator(Clock clock) {
    this.clock = clock;
  }

  /**
   * @return the normalised sample (the same instance when nothing needed changing), or null after telling
   *     {@code rejects} why the sample at {@code index} was refused
   */
  public Sample normalise(Sample s, int index, RejectSink rejects) {
    String endpoint = s.getEndpoint();
    String metric = s.getMetric();
    if (!nameOk("endpoint", endpoint, index, rejects) || !nameOk("metric", metric, index, rejects)) {
      return null;
    }
    String tags;
    try {
      tags = Tags.canonical(s.getTags());
    } catch (Tags.InvalidTagsException e) {
      rejects.reject(index, e.code(), "tags: " + e.getMessage());
      return null;
    }
    if (metric.length() + tags.length() > Limits.MAX_METRIC_AND_TAGS_LENGTH) {
      rejects.reject(index, RejectCode.TOO_LONG, "metric plus tags is " + (metric.length() + tags.length())
          + " characters, more than " + Limits.MAX_METRIC_AND_TAGS_LENGTH);
      return null;
    }
    double value = s.getValue();
    if (!Double.isFinite(value)) {
      rejects.reject(index, RejectCode.BAD_VALUE, "value " + value + " is not a finite number");
      return null;
    }
    int step = s.getStep();
    if (step < Limits.MIN_STEP_SECONDS || step > Limits.MAX_STEP_SECONDS) {
      rejects.reject(index, RejectCode.BAD_STEP, "step " + step + " is outside " + Limits.MIN_STEP_SECONDS + ".."
          + Limits.MAX_STEP_SECONDS + " seconds");
      return null;
    }
    CounterType type = s.getCounterType();
    if (type != CounterType.GAUGE && type != CounterType.COUNTER && type != CounterType.DERIVE) {
      rejects.reject(index, RejectCode.BAD_COUNTER_TYPE,
          "counterType must be GAUGE, COUNTER or DERIVE, got " + describeType(s));
      return null;
    }
    long now = clock.millis() / 1000;
    long timestamp = s.getTimestamp();
    if (timestamp < 0) {
      rejects.reject(index, RejectCode.BAD_TIMESTAMP, "timestamp " + timestamp + " is negative");
      return null;
    }
    if (timestamp == 0) {
      timestamp = now;
    } else if (timestamp >= MILLIS_THRESHOLD) {
      timestamp /= 1000;
    }
    if (timestamp > now + Limits.MAX_FUTURE_SECONDS) {
      rejects.reject(index, RejectCode.BAD_TIMESTAMP, "timestamp " + timestamp + " is " + (timestamp - now)
          + " s in the future, more than " + Limits.MAX_FUTURE_SECONDS + " s allowed");
      return null;
    }
    if (tags.equals(s.getTags()) && timestamp == s.getTimestamp()) {
      return s;
    }
    return s.toBuilder().setTags(tags).setTimestamp(timestamp).build();
  }

  private static String describeType(Sample s) {
    return s.getCounterType() == CounterType.UNRECOGNIZED ? "code " + s.getCounterTypeValue()
        : s.getCounterType().name();
  }

  private static boolean nameOk(String field, String value, int index, RejectSink rejects) {
    if (value.isEmpty()) {
      rejects.reject(index, RejectCode.MISSING_FIELD, field + " is empty");
      return false;
    }
    if (value.length() > Limits.MAX_NAME_LENGTH) {
      rejects.reject(index, RejectCode.TOO_LONG, field + " is " + value.length() + " characters long, more than "
          + Limits.MAX_NAME_LENGTH);
      return false;
    }
    for (int i = 0, n = value.length(); i < n; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        rejects.reject(index, RejectCode.BAD_CHARACTER, field + " '" + Tags.printable(value)
            + "' contains the control character " + Tags.describe(c) + " at position " + i);
        return false;
      }
    }
    return true;
  }
}
