package io.peregrine.common.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.time.Clock;

/**
 * {@link SampleValidator}'s rules applied to a {@code Sample} still in its wire encoding, so the hot path makes no
 * {@code Sample} object. A fast path reads the fields in place and accepts what it can prove valid: ASCII names and
 * canonical tags, finite value, step, type and timestamp in range. It then hands back either the input bytes
 * untouched or, when only the timestamp needed normalising (0 = now, milliseconds), a copy with the new timestamp.
 * Everything else (non-ASCII text, non-canonical tags, anything the fast path would refuse) goes through
 * {@link SampleValidator} itself, so refusals carry exactly its codes and reasons. Invalid UTF-8, which would fail
 * the whole batch in protobuf's own parser, refuses only its sample (BAD_CHARACTER).
 *
 * <p>The series hash is {@link SeriesKey#hash(String, String, String)}'s value: FNV-1a over UTF-16 code units, which
 * for ASCII bytes are the bytes themselves; non-ASCII samples take the slow path and hash the parsed strings.
 *
 * <p>Not thread-safe: one instance per thread (it keeps a scratch buffer).
 */
public final class WireSampleValidator {
  private static final long MILLIS_THRESHOLD = 1_000_000_000_000L;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** Where an accepted sample's (normalised) encoding is: {@code bytes[offset, offset + length)}. */
  public static final class Accepted {
    public byte[] bytes;
    public int offset;
    public int length;
    public long hash;
    /** True when the bytes are the input's own, unchanged. */
    public boolean unchanged;
  }

  private final SampleValidator slow;
  private final Clock clock;
  private byte[] scratch = new byte[1024];
  private final Fields fields = new Fields();

  public WireSampleValidator(Clock clock) {
    this.slow = new SampleValidator(clock);
    this.clock = clock;
  }

  /**
   * Validates the Sample message in {@code buf[off, off + len)}.
   *
   * @return true with {@code out} filled in, or false after telling {@code rejects} why the sample at
   *     {@code index} was refused
   */
  public boolean normalise(byte[] buf, int off, int len, int index, RejectSink rejects, Accepted out) {
    Fields f = fields;
    if (!f.scan(buf, off, len)) {
      try {
        f.scanCoded(buf, off, len); // anything unusual: protobuf's own reader decides, and names the problem
      } catch (IOException e) {
        rejects.reject(index, RejectCode.MISSING_FIELD, "sample is not a valid protobuf Sample: " + e.getMessage());
        return false;
      }
    }
    int endpointOff = f.endpointOff, endpointLen = f.endpointLen, metricOff = f.metricOff, metricLen = f.metricLen;
    int tagsOff = f.tagsOff, tagsLen = f.tagsLen, tsStart = f.tsStart, tsEnd = f.tsEnd;
    double value = f.value;
    long timestamp = f.timestamp;
    int step = f.step;
    int type = f.type;
    boolean simple = f.simple;
    if (simple
        && AsciiSampleBytes.name(buf, endpointOff, endpointLen)
        && AsciiSampleBytes.name(buf, metricOff, metricLen)
        && AsciiSampleBytes.canonicalTags(buf, tagsOff, tagsLen)
        && metricLen + tagsLen <= Limits.MAX_METRIC_AND_TAGS_LENGTH
        && Double.isFinite(value)
        && step >= Limits.MIN_STEP_SECONDS && step <= Limits.MAX_STEP_SECONDS
        && type >= 1 && type <= 3
        && timestamp >= 0) {
      long now = clock.millis() / 1000;
      long ts = timestamp == 0 ? now : timestamp >= MILLIS_THRESHOLD ? timestamp / 1000 : timestamp;
      if (ts <= now + Limits.MAX_FUTURE_SECONDS) {
        out.hash = hash(buf, endpointOff, endpointLen, metricOff, metricLen, tagsOff, tagsLen);
        if (ts == timestamp) {
          out.bytes = buf;
          out.offset = off;
          out.length = len;
          out.unchanged = true;
        } else {
          withTimestamp(buf, off, len, tsStart, tsEnd, ts, out);
        }
        return true;
      }
    }
    return slowPath(buf, off, len, index, rejects, out);
  }

  /** Where a Sample's fields are in its encoding; reused for every sample. */
  private static final class Fields {
    int endpointOff, endpointLen, metricOff, metricLen, tagsOff, tagsLen, tsStart, tsEnd, step, type;
    double value;
    long timestamp;
    boolean simple;
    private int p; // the scan's position

    private void reset() {
      endpointOff = -1;
      endpointLen = 0;
      metricOff = -1;
      metricLen = 0;
      tagsOff = -1;
      tagsLen = 0;
      tsStart = -1;
      tsEnd = -1;
      value = 0;
      timestamp = 0;
      step = 0;
      type = 0;
      simple = true;
    }

    /**
     * Reads the seven fields of a well-formed Sample without allocating. False for anything else (another field,
     * another wire type, a truncated or over-long varint, a length past the end): {@link #scanCoded} then decides.
     */
    boolean scan(byte[] b, int off, int len) {
      reset();
      int end = off + len;
      p = off;
      while (p < end) {
        int fieldStart = p;
        int tag = b[p++];
        if (tag <= 0) {
          return false; // a tag of more than one byte is no field of Sample
        }
        switch (tag) {
          case 10, 18, 26 -> {
            long l = varint(b, end);
            if (l < 0 || l > end - p) {
              return false;
            }
            int n = (int) l;
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
            long bits = 0;
            for (int i = 7; i >= 0; i--) {
              bits = (bits << 8) | (b[p + i] & 0xFF);
            }
            value = Double.longBitsToDouble(bits);
            p += 8;
          }
          case 40 -> {
            if (tsStart >= 0) {
              simple = false;
            }
            long v = varint(b, end);
            if (v == Long.MIN_VALUE + 1) {
              return false;
            }
            timestamp = v;
            tsStart = fieldStart;
            tsEnd = p;
          }
          case 48, 56 -> {
            long v = varint(b, end);
            if (v == Long.MIN_VALUE + 1) {
              return false;
            }
            if (tag == 48) {
              step = (int) v;
            } else {
              type = (int) v;
            }
          }
          default -> {
            return false;
          }
        }
      }
      return true;
    }

    /** A varint at {@link #p}; {@code Long.MIN_VALUE + 1} when it is truncated or longer than ten bytes. */
    private long varint(byte[] b, int end) {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (p >= end) {
          return Long.MIN_VALUE + 1;
        }
        byte x = b[p++];
        v |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          return v;
        }
      }
      return Long.MIN_VALUE + 1;
    }

    /** The same fields read with protobuf's reader (unknown fields skipped, errors as protobuf words them). */
    void scanCoded(byte[] buf, int off, int len) throws IOException {
      reset();
      CodedInputStream in = CodedInputStream.newInstance(buf, off, len);
      while (true) {
        int fieldStart = off + in.getTotalBytesRead();
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        switch (tag) {
          case 10 -> { endpointLen = in.readRawVarint32(); endpointOff = off + in.getTotalBytesRead();
            in.skipRawBytes(endpointLen); }
          case 18 -> { metricLen = in.readRawVarint32(); metricOff = off + in.getTotalBytesRead();
            in.skipRawBytes(metricLen); }
          case 26 -> { tagsLen = in.readRawVarint32(); tagsOff = off + in.getTotalBytesRead();
            in.skipRawBytes(tagsLen); }
          case 33 -> value = in.readDouble();
          case 40 -> { if (tsStart >= 0) { simple = false; } timestamp = in.readInt64(); tsStart = fieldStart;
            tsEnd = off + in.getTotalBytesRead(); }
          case 48 -> step = in.readInt32();
          case 56 -> type = in.readEnum();
          default -> { simple = false; in.skipField(tag); }
        }
      }
    }
  }

  private boolean slowPath(byte[] buf, int off, int len, int index, RejectSink rejects, Accepted out) {
    Sample parsed;
    try {
      parsed = Sample.parser().parseFrom(buf, off, len);
    } catch (InvalidProtocolBufferException e) {
      if (String.valueOf(e.getMessage()).contains("UTF-8")) { // protobuf's parser checks proto3 strings
        rejects.reject(index, RejectCode.BAD_CHARACTER, "endpoint, metric or tags is not valid UTF-8");
      } else {
        rejects.reject(index, RejectCode.MISSING_FIELD, "sample is not a valid protobuf Sample: " + e.getMessage());
      }
      return false;
    }
    Sample s = slow.normalise(parsed, index, rejects);
    if (s == null) {
      return false;
    }
    out.hash = SeriesKey.hash(s);
    if (s == parsed) {
      out.bytes = buf;
      out.offset = off;
      out.length = len;
      out.unchanged = true;
    } else {
      int size = s.getSerializedSize();
      byte[] target = scratch(size);
      try {
        CodedOutputStream o = CodedOutputStream.newInstance(target, 0, size);
        s.writeTo(o);
      } catch (IOException e) {
        throw new IllegalStateException("a Sample always fits its own size", e);
      }
      out.bytes = target;
      out.offset = 0;
      out.length = size;
      out.unchanged = false;
    }
    return true;
  }

  /** The sample's bytes without its timestamp field, followed by the normalised timestamp. */
  private void withTimestamp(byte[] buf, int off, int len, int tsStart, int tsEnd, long ts, Accepted out) {
    int kept = len - (tsStart < 0 ? 0 : tsEnd - tsStart);
    int size = kept + 1 + CodedOutputStream.computeInt64SizeNoTag(ts);
    byte[] target = scratch(size);
    int p = 0;
    if (tsStart < 0) {
      System.arraycopy(buf, off, target, 0, len);
      p = len;
    } else {
      System.arraycopy(buf, off, target, 0, tsStart - off);
      p = tsStart - off;
      System.arraycopy(buf, tsEnd, target, p, off + len - tsEnd);
      p += off + len - tsEnd;
    }
    target[p++] = 40; // field 5, varint
    long v = ts;
    while ((v & ~0x7FL) != 0) {
      target[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    target[p++] = (byte) v;
    out.bytes = target;
    out.offset = 0;
    out.length = p;
    out.unchanged = false;
  }

  private byte[] scratch(int size) {
    if (scratch.length < size) {
      scratch = new byte[Math.max(size, scratch.length * 2)];
    }
    return scratch;
  }

  /** {@link SeriesKey#hash(String, String, String)} for ASCII parts given as bytes. */
  static long hash(byte[] b, int eOff, int eLen, int mOff, int mLen, int tOff, int tLen) {
    long h = FNV_OFFSET;
    for (int i = eOff, end = eOff + eLen; i < end; i++) {
      h = (h ^ b[i]) * FNV_PRIME;
    }
    h = (h ^ '/') * FNV_PRIME;
    for (int i = mOff, end = mOff + mLen; i < end; i++) {
      h = (h ^ b[i]) * FNV_PRIME;
    }
    h = (h ^ '/') * FNV_PRIME;
    if (tOff >= 0) {
      for (int i = tOff, end = tOff + tLen; i < end; i++) {
        h = (h ^ b[i]) * FNV_PRIME;
      }
    }
    return SeriesKey.fmix64(h);
  }
}
