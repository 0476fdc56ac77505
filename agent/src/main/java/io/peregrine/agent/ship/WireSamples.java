package io.peregrine.agent.ship;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peregrine.proto.v1.Sample;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Samples as their wire encoding, back to back exactly as in a {@code SampleBatch} (each record: field 1's tag, the
 * length, the {@code Sample} message), with each record's start and series key beside it. So the bytes of a whole
 * batch are what transfer's gRPC takes and what the spool writes, without a {@code Sample} object per sample, and a
 * buffer is reused after {@link #clear()} (its arrays stay): the agent keeps a few of these instead of making
 * ~40,000 objects per 10,000-sample push that outlive a young collection.
 *
 * <p>Not thread-safe: owned by one thread at a time (the queue under its lock, the shipper, a push handler).
 */
public final class WireSamples {
  /** Field 1 (samples), length-delimited: the tag of every record. */
  private static final byte RECORD_TAG = 0x0A;

  private byte[] data;
  private int length;
  /** starts[i]: offset of record i (its tag byte). */
  private int[] starts;
  private long[] keys;
  private int count;

  public WireSamples() {
    this(4096, 64);
  }

  WireSamples(int bytes, int records) {
    this.data = new byte[bytes];
    this.starts = new int[records];
    this.keys = new long[records];
  }

  /** Appends a sample's message bytes ({@code bytes[offset, offset + len)}, a {@code Sample} encoding). */
  public void append(byte[] bytes, int offset, int len) {
    int header = 1 + CodedOutputStream.computeUInt32SizeNoTag(len);
    int at = reserve(header + len);
    data[at] = RECORD_TAG;
    writeVarint(data, at + 1, len);
    System.arraycopy(bytes, offset, data, at + header, len);
    finish(at, at + header + len, seriesKey(data, at + header, len));
  }

  /** Appends a sample object, encoded here. */
  public void append(Sample s) {
    append(s, new TextCache(2));
  }

  /** Appends a sample object, encoded as its fields are. */
  void append(Sample s, TextCache texts) {
    append(s.getEndpoint(), s.getMetric(), s.getTags(), s.getValue(), s.getCounterTypeValue(), s.getTimestamp(),
        s.getStep(), texts);
  }

  /**
   * Appends a sample given as its fields, encoded here: fields in number order, defaults left out, as protobuf
   * writes them. {@code texts} keeps the UTF-8 of Strings seen before (collectors pass the same metric and tag
   * Strings round after round), so a collected sample costs no allocation here.
   *
   * @param type the {@code CounterType}'s number
   */
  void append(String endpointText, String metricText, String tagsText, double value, int type, long timestamp,
      int step, TextCache texts) {
    byte[] endpoint = texts.utf8(endpointText);
    byte[] metric = texts.utf8(metricText);
    byte[] tags = texts.utf8(tagsText);
    long valueBits = Double.doubleToRawLongBits(value);
    int len = textSize(endpoint) + textSize(metric) + textSize(tags) + (valueBits != 0 ? 9 : 0)
        + (timestamp != 0 ? 1 + CodedOutputStream.computeInt64SizeNoTag(timestamp) : 0)
        + (step != 0 ? 1 + CodedOutputStream.computeInt32SizeNoTag(step) : 0)
        + (type != 0 ? 1 + CodedOutputStream.computeInt32SizeNoTag(type) : 0);
    int header = 1 + CodedOutputStream.computeUInt32SizeNoTag(len);
    int at = reserve(header + len);
    data[at] = RECORD_TAG;
    int p = writeVarint(data, at + 1, len);
    p = writeText(p, 0x0A, endpoint);
    p = writeText(p, 0x12, metric);
    p = writeText(p, 0x1A, tags);
    if (valueBits != 0) {
      data[p++] = 0x21;
      for (int i = 0; i < 8; i++) {
        data[p++] = (byte) (valueBits >>> (8 * i));
      }
    }
    if (timestamp != 0) {
      data[p++] = 0x28;
      p = writeVarint64(data, p, timestamp);
    }
    if (step != 0) {
      data[p++] = 0x30;
      p = writeVarint64(data, p, step); // int32: a negative one takes 10 bytes, as protobuf writes it
    }
    if (type != 0) {
      data[p++] = 0x38;
      p = writeVarint64(data, p, type);
    }
    if (p != at + header + len) {
      throw new IllegalStateException("encoded " + (p - at - header) + " bytes of a " + len + "-byte Sample");
    }
    finish(at, p, seriesKey(endpointText, metricText, tagsText));
  }

  /**
   * The UTF-8 of recently seen Strings, by identity, in a direct-mapped table indexed by the String's (cached) hash:
   * a String seen before costs one array read, a new one (or one whose slot another took) is encoded and takes the
   * slot. Collectors' metric names and tag texts (~250 Strings with 100 containers) stay; a push's one-off Strings
   * only cycle through it. 4,096 slots by default (~32 KiB of references). Used by one thread (the queue's lock).
   */
  static final class TextCache {
    private final String[] strings;
    private final byte[][] bytes;

    private final int shift;

    TextCache() {
      this(4096);
    }

    /** @param slots a power of two, at least 2 */
    TextCache(int slots) {
      strings = new String[slots];
      bytes = new byte[slots][];
      shift = 32 - Integer.numberOfTrailingZeros(slots);
    }

    byte[] utf8(String text) {
      // the hash's top bits after a multiplicative mix: tag texts differing in a digit or two differ in low bits
      // too regularly to index by those (141 slots for 204 such Strings, 193 mixed)
      int slot = (text.hashCode() * 0x9E3779B1) >>> shift;
      if (strings[slot] != text) {
        bytes[slot] = text.getBytes(StandardCharsets.UTF_8);
        strings[slot] = text;
      }
      return bytes[slot];
    }
  }

  private static int textSize(byte[] text) {
    return text.length == 0 ? 0 : 1 + CodedOutputStream.computeUInt32SizeNoTag(text.length) + text.length;
  }

  private int writeText(int p, int tag, byte[] text) {
    if (text.length == 0) {
      return p;
    }
    data[p++] = (byte) tag;
    p = writeVarint(data, p, text.length);
    System.arraycopy(text, 0, data, p, text.length);
    return p + text.length;
  }

  /** Appends records {@code [from, to)} of another buffer (one copy of their bytes). */
  public void appendRange(WireSamples other, int from, int to) {
    if (from >= to) {
      return;
    }
    int begin = other.starts[from];
    int bytes = other.end(to - 1) - begin;
    int at = reserve(bytes);
    System.arraycopy(other.data, begin, data, at, bytes);
    ensureRecords(count + to - from);
    for (int i = from; i < to; i++) {
      starts[count] = at + other.starts[i] - begin;
      keys[count] = other.keys[i];
      count++;
    }
    length = at + bytes;
  }

  /** Keeps only the first {@code n} records. */
  void truncate(int n) {
    if (n < count) {
      length = n == 0 ? 0 : starts[n];
      count = n;
    }
  }

  /** Empties the buffer; its arrays are kept for the next use. */
  public void clear() {
    length = 0;
    count = 0;
  }

  public int size() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** Bytes of all records: the encoding of a {@code SampleBatch} of them. */
  public int byteLength() {
    return length;
  }

  /** Bytes of records {@code [from, to)}. */
  int byteLength(int from, int to) {
    return from >= to ? 0 : end(to - 1) - starts[from];
  }

  /** Bytes the buffer holds room for (its array's size). */
  public int capacityBytes() {
    return data.length;
  }

  byte[] array() {
    return data;
  }

  int start(int i) {
    return starts[i];
  }

  /** The series key of record i: endpoint, metric and tags folded to 64 bits (equal series, equal keys). */
  long key(int i) {
    return keys[i];
  }

  /** Record i as a message (tests, logs). */
  public Sample sample(int i) {
    int at = starts[i] + 1;
    int len = readVarint(data, at);
    int body = at + CodedOutputStream.computeUInt32SizeNoTag(len);
    try {
      return Sample.parser().parseFrom(data, body, len);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a record of WireSamples is not a Sample", e);
    }
  }

  /** Every record as a message (tests, the shipper's logs). */
  public List<Sample> toSamples() {
    List<Sample> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(sample(i));
    }
    return out;
  }

  /** The samples of a list, encoded. */
  public static WireSamples of(List<Sample> samples) {
    WireSamples w = new WireSamples();
    TextCache texts = new TextCache(64);
    samples.forEach(s -> w.append(s, texts));
    return w;
  }

  /**
   * Splits a {@code SampleBatch} encoding (a spool file) into records, checking every field's framing.
   *
   * @throws InvalidProtocolBufferException when it is not one
   */
  static WireSamples parse(byte[] batch, int length) throws InvalidProtocolBufferException {
    WireSamples w = new WireSamples(Math.max(16, length), 64);
    int at = 0;
    while (at < length) {
      if (batch[at] != RECORD_TAG) {
        throw new InvalidProtocolBufferException("spooled batch: field tag " + batch[at] + " at " + at);
      }
      int len = readVarint(batch, at + 1, length);
      int body = at + 1 + CodedOutputStream.computeUInt32SizeNoTag(len);
      if (len < 0 || body + len > length) {
        throw new InvalidProtocolBufferException("spooled batch: a record overruns the file at " + at);
      }
      try {
        w.append(batch, body, len); // checks the message's fields while folding its key
      } catch (BrokenRecordException e) {
        throw new InvalidProtocolBufferException("spooled batch: " + e.getMessage());
      }
      at = body + len;
    }
    return w;
  }

  private int end(int i) {
    return i + 1 < count ? starts[i + 1] : length;
  }

  private int reserve(int bytes) {
    int at = length;
    if (at + bytes > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, at + bytes));
    }
    return at;
  }

  private void finish(int at, int end, long key) {
    ensureRecords(count + 1);
    starts[count] = at;
    keys[count] = key;
    count++;
    length = end;
  }

  private void ensureRecords(int n) {
    if (n > starts.length) {
      int size = Math.max(starts.length * 2, n);
      starts = Arrays.copyOf(starts, size);
      keys = Arrays.copyOf(keys, size);
    }
  }

  /** @return the offset after it */
  private static int writeVarint(byte[] b, int at, int v) {
    while ((v & ~0x7F) != 0) {
      b[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[at] = (byte) v;
    return at + 1;
  }

  private static int writeVarint64(byte[] b, int at, long v) {
    while ((v & ~0x7FL) != 0) {
      b[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[at] = (byte) v;
    return at + 1;
  }

  private static int readVarint(byte[] b, int at) {
    return readVarint(b, at, b.length);
  }

  /** A varint of at most 5 bytes ending before {@code limit}; -1 when it does not. */
  private static int readVarint(byte[] b, int at, int limit) {
    int v = 0;
    for (int shift = 0; shift < 35 && at < limit; shift += 7) {
      byte x = b[at++];
      v |= (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
    }
    return -1;
  }

  /**
   * Folds endpoint (field 1), metric (2) and tags (3) of a {@code Sample} encoding to 64 bits, whatever the order
   * of its fields, and checks the framing of every field on the way.
   *
   * @throws BrokenRecordException on a broken encoding
   */
  static long seriesKey(byte[] b, int from, int len) {
    long key = 0;
    int at = from;
    int end = from + len;
    while (at < end) {
      int tag = readVarint(b, at, end);
      if (tag <= 0) {
        throw new BrokenRecordException(at);
      }
      at += CodedOutputStream.computeUInt32SizeNoTag(tag);
      int field = tag >>> 3;
      switch (tag & 7) {
        case 0 -> {
          while (at < end && b[at] < 0) {
            at++;
          }
          at++;
        }
        case 1 -> at += 8;
        case 5 -> at += 4;
        case 2 -> {
          int n = readVarint(b, at, end);
          if (n < 0) {
            throw new BrokenRecordException(at);
          }
          at += CodedOutputStream.computeUInt32SizeNoTag(n);
          if (at + n > end) {
            throw new BrokenRecordException(at);
          }
          if (field >= 1 && field <= 3) {
            key ^= fold(hash(b, at, n), field);
          }
          at += n;
        }
        default -> throw new BrokenRecordException(at);
      }
    }
    if (at != end) {
      throw new BrokenRecordException(at);
    }
    return key;
  }

  /**
   * {@link String#hashCode} of the UTF-8 text {@code b[from, from + n)}: a sample built from Strings gets the same
   * key from their cached hashes ({@link #seriesKey(Sample)}) as its encoding does here.
   */
  private static int hash(byte[] b, int from, int n) {
    int h = 0;
    for (int i = from, end = from + n; i < end; ) {
      int c = b[i++];
      if (c >= 0) {
        h = 31 * h + c;
        continue;
      }
      int cp;
      if ((c & 0xE0) == 0xC0 && i < end) {
        cp = ((c & 0x1F) << 6) | (b[i++] & 0x3F);
      } else if ((c & 0xF0) == 0xE0 && i + 1 < end) {
        cp = ((c & 0x0F) << 12) | ((b[i] & 0x3F) << 6) | (b[i + 1] & 0x3F);
        i += 2;
      } else if ((c & 0xF8) == 0xF0 && i + 2 < end) {
        cp = ((c & 0x07) << 18) | ((b[i] & 0x3F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F);
        i += 3;
      } else {
        cp = c & 0xFF; // not UTF-8: any fixed answer will do, a receiver refuses the sample
      }
      if (cp >= 0x10000) {
        h = 31 * h + Character.highSurrogate(cp);
        h = 31 * h + Character.lowSurrogate(cp);
      } else {
        h = 31 * h + cp;
      }
    }
    return h;
  }

  /** The key {@link #seriesKey(byte[], int, int)} folds from the encoding, from the Strings' cached hashes. */
  static long seriesKey(Sample s) {
    return seriesKey(s.getEndpoint(), s.getMetric(), s.getTags());
  }

  static long seriesKey(String endpoint, String metric, String tags) {
    return fold(endpoint.hashCode(), 1) ^ fold(metric.hashCode(), 2) ^ fold(tags.hashCode(), 3);
  }

  /** An empty string field is not encoded at all: it folds to 0, as a missing one does. */
  private static long fold(int hash, int field) {
    return hash == 0 ? 0 : mix(((long) field << 32) | (hash & 0xFFFFFFFFL));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** A {@code Sample} encoding whose fields do not frame. */
  static final class BrokenRecordException extends IllegalArgumentException {
    BrokenRecordException(int at) {
      super("a Sample record's fields do not frame at byte " + at);
    }
  }
}
