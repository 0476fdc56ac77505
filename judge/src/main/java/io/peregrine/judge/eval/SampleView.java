package io.peregrine.judge.eval;

import com.google.protobuf.CodedOutputStream;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code Sample} read in place from its wire encoding: offsets of endpoint, metric and tags in the request's
 * bytes and the numeric fields, refilled for every sample of a batch (one view per judging thread). The hot path
 * reads the series' identity as bytes and never makes a {@code Sample} or a {@code String}; {@link #endpoint()},
 * {@link #metric()} and {@link #tags()} decode on demand for the rare paths (a new series, an event).
 *
 * <p>{@link #scan} accepts only the plain encoding protobuf writers produce (one-byte tags of Sample's seven
 * fields, in-bounds lengths, at most one timestamp field); anything else returns false and the caller parses the
 * sample with protobuf instead. Not thread-safe.
 */
public final class SampleView {
  private static final VarHandle DOUBLES =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
  byte[] buf;
  int endpointOff;
  int endpointLen;
  int metricOff;
  int metricLen;
  int tagsOff;
  int tagsLen;
  double value;
  long timestamp;
  int step;
  int counterType;
  /** {@link SeriesHash} of the sample's series, set once the sample is validated. */
  long hash;
  private byte[] scratch = new byte[256];

  /** Reads the sample in {@code b[off, off + len)}; false (view undefined) for an encoding {@link #scan} refuses. */
  public boolean scan(byte[] b, int off, int len) {
    buf = b;
    endpointOff = off;
    endpointLen = 0;
    metricOff = off;
    metricLen = 0;
    tagsOff = off;
    tagsLen = 0;
    value = 0;
    timestamp = 0;
    step = 0;
    counterType = 0;
    boolean sawTimestamp = false;
    int end = off + len;
    int p = off;
    while (p < end) {
      int tag = b[p++];
      switch (tag) {
        case 10, 18, 26 -> {
          if (p >= end) {
            return false;
          }
          int n = b[p++];
          if (n < 0) { // a length of two bytes or more (128 and up)
            if (p >= end) {
              return false;
            }
            int hi = b[p++];
            if (hi < 0) {
              return false; // over 16 KiB: no field of a valid sample is that long
            }
            n = (n & 0x7F) | (hi << 7);
          }
          if (n > end - p) {
            return false;
          }
          if (tag == 10) {
            endpointOff = p;
            endpointLen = n;
          } else if (tag == 18) {
            metricOff = p;
            metricLen = n;
          } else {
            tagsOff = p;
            tagsLen = n;
          }
          p += n;
        }
        case 33 -> {
          if (end - p < 8) {
            return false;
          }
          value = (double) DOUBLES.get(b, p); // one unaligned little-endian load, as protobuf's fixed64
          p += 8;
        }
        case 40, 48, 56 -> {
          if (p < end && b[p] >= 0 && tag != 40) { // step and counter type: one byte
            if (tag == 48) {
              step = b[p++];
            } else {
              counterType = b[p++];
            }
            continue;
          }
          long v = 0;
          int shift = 0;
          while (true) {
            if (p >= end || shift >= 64) {
              return false;
            }
            byte x = b[p++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
              break;
            }
            shift += 7;
          }
          if (tag == 40) {
            if (sawTimestamp) {
              return false;
            }
            sawTimestamp = true;
            timestamp = v;
          } else if (tag == 48) {
            step = (int) v;
          } else {
            counterType = (int) v;
          }
        }
        default -> {
          return false;
        }
      }
    }
    return true;
  }

  /** Views a sample object (mock values, tests, the protobuf fallback): encodes it into this view's own buffer. */
  public SampleView wrap(Sample s) {
    if (!s.getUnknownFields().asMap().isEmpty()) {
      s = Sample.newBuilder().setEndpoint(s.getEndpoint()).setMetric(s.getMetric()).setTags(s.getTags())
          .setValue(s.getValue()).setTimestamp(s.getTimestamp()).setStep(s.getStep())
          .setCounterTypeValue(s.getCounterTypeValue()).build(); // fields the judge does not read are left out
    }
    int size = s.getSerializedSize();
    if (scratch.length < size) {
      scratch = new byte[Math.max(size, scratch.length * 2)];
    }
    byte[] target = scratch;
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(target, 0, size);
      s.writeTo(out);
    } catch (IOException e) {
      throw new IllegalStateException("a Sample always fits its own size", e);
    }
    if (!scan(target, 0, size)) {
      throw new IllegalStateException("protobuf wrote an encoding the view does not read: " + s);
    }
    hash = SeriesHash.of(target, endpointOff, endpointLen, metricOff, metricLen, tagsOff, tagsLen);
    return this;
  }

  public String endpoint() {
    return new String(buf, endpointOff, endpointLen, StandardCharsets.UTF_8);
  }

  public String metric() {
    return new String(buf, metricOff, metricLen, StandardCharsets.UTF_8);
  }

  public String tags() {
    return tagsLen == 0 ? "" : new String(buf, tagsOff, tagsLen, StandardCharsets.UTF_8);
  }

  public double value() {
    return value;
  }

  public long timestamp() {
    return timestamp;
  }

  public int step() {
    return step;
  }

  public long hash() {
    return hash;
  }

  /** Sets the series hash (tests force collisions with it). */
  void hash(long seriesHash) {
    this.hash = seriesHash;
  }

  public CounterType counterType() {
    return counterType == 2 ? CounterType.COUNTER : counterType == 3 ? CounterType.DERIVE : CounterType.GAUGE;
  }

  boolean isRate() {
    return counterType == 2 || counterType == 3;
  }

  /** The sample as an object, for the paths that want one (multi-metric expressions on metrics they read). */
  public Sample toSample() {
    return Sample.newBuilder().setEndpoint(endpoint()).setMetric(metric()).setTags(tags()).setValue(value)
        .setTimestamp(timestamp).setStep(step).setCounterTypeValue(counterType).build();
  }

  /** True when the metric is exactly these UTF-8 bytes. */
  public boolean metricEquals(byte[] name) {
    return java.util.Arrays.equals(buf, metricOff, metricOff + metricLen, name, 0, name.length);
  }

  public byte[] bytes() {
    return buf;
  }

  public int metricOffset() {
    return metricOff;
  }

  public int metricLength() {
    return metricLen;
  }
}
