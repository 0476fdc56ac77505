package io.peregrine.judge.eval;

import io.peregrine.common.model.AsciiSampleBytes;
import io.peregrine.common.model.Limits;

/**
 * The common case of every ingress's sample rules, proved on a {@link SampleView} without copying: printable ASCII
 * names of 1..255 bytes, canonical ASCII tags, metric plus tags within the limit, a finite value, step, counter type
 * and a timestamp in seconds, positive and not too far ahead. A sample it cannot prove valid is not refused here:
 * the caller hands it to the full validator, which accepts or refuses it with its own code and reason. So this
 * never changes what is accepted, only how fast.
 */
public final class FastSampleCheck {
  /** Anything at or above this is milliseconds (the validator's threshold); those take the full path. */
  private static final long MILLIS_THRESHOLD = 1_000_000_000_000L;

  private FastSampleCheck() {}

  /** True (with {@link SampleView#hash()} set) when the viewed sample is valid as it is. */
  public static boolean accept(SampleView v, long nowSeconds) {
    byte[] b = v.buf;
    if (!AsciiSampleBytes.name(b, v.endpointOff, v.endpointLen) || !AsciiSampleBytes.name(b, v.metricOff, v.metricLen)
        || v.metricLen + v.tagsLen > Limits.MAX_METRIC_AND_TAGS_LENGTH
        || !AsciiSampleBytes.canonicalTags(b, v.tagsOff, v.tagsLen)
        || !Double.isFinite(v.value) || v.step < Limits.MIN_STEP_SECONDS || v.step > Limits.MAX_STEP_SECONDS
        || v.counterType < 1 || v.counterType > 3 || v.timestamp <= 0 || v.timestamp >= MILLIS_THRESHOLD
        || v.timestamp > nowSeconds + Limits.MAX_FUTURE_SECONDS) {
      return false;
    }
    v.hash = SeriesHash.of(b, v.endpointOff, v.endpointLen, v.metricOff, v.metricLen, v.tagsOff, v.tagsLen);
    return true;
  }

  /** Sets the view's series hash (after the full validator accepted it). */
  public static void hash(SampleView v) {
    v.hash = SeriesHash.of(v.buf, v.endpointOff, v.endpointLen, v.metricOff, v.metricLen, v.tagsOff, v.tagsLen);
  }
}
