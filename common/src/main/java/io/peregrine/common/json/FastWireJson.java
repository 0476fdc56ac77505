package io.peregrine.common.json;

import io.peregrine.common.model.AsciiSampleBytes;
import io.peregrine.common.model.Limits;
import io.peregrine.common.model.RejectSink;
import io.peregrine.common.model.SeriesKeyBuffer;
import io.peregrine.common.model.WireSampleValidator;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Reject;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Open-Falcon push body in its plain shape, read byte by byte without a tokenizer: a JSON array of objects whose
 * fields are {@code endpoint}, {@code metric}, {@code tags} (printable ASCII strings without escapes), {@code value}
 * (a JSON number), {@code timestamp} and {@code step} (JSON integers of at most 18 digits) and {@code counterType}
 * ({@code GAUGE}, {@code COUNTER} or {@code DERIVE}), each at most once, value and counterType present. That is
 * what agents send, and it is the whole cost of Jackson's tokenizer on the hot path.
 *
 * <p>One pass: an item's fields are found in the body, and an item this reader can prove valid by
 * {@link WireSampleValidator}'s fast-path rules (names of 1-255 printable ASCII bytes, canonical tags, metric plus
 * tags at most 510, finite value, step and timestamp in range) is written as its {@code Sample} encoding straight
 * from the body's bytes, with the series hash taken over the same bytes: no intermediate copy, no second scan. Any
 * other item is encoded and handed to the validator itself, so every refusal carries its code and reason.
 *
 * <p>Anything outside the plain shape, valid or not, makes {@link #read} return null <em>before the sink saw
 * anything</em>, and the caller reads the body again on the Jackson path: accepted samples are held here until the
 * body's last byte has been read. A body gets the same answer on either path (the tests run every body through
 * both).
 */
final class FastWireJson {
  private static final int SHRINK_ABOVE = 4 << 20;
  private static final long MILLIS_THRESHOLD = 1_000_000_000_000L;
  private static final int ENDPOINT = 1;
  private static final int METRIC = 2;
  private static final int TAGS = 4;
  private static final int VALUE = 8;
  private static final int TIMESTAMP = 16;
  private static final int STEP = 32;
  private static final int TYPE = 64;

  /** Eight bytes of the body as one little-endian long: a field name is matched with one or two compares. */
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long W_ENDPOINT = word("endpoint");
  private static final long W_METRIC = word("metric\"");
  private static final long W_TAGS = word("tags\"");
  private static final long W_STEP = word("step\"");
  private static final long W_VALUE = word("value\"");
  private static final long W_TIMESTAM = word("timestam");
  private static final long W_COUNTERT = word("counterT");
  private static final long W_GAUGE = word("GAUGE\"");
  private static final long W_COUNTER = word("COUNTER\"");
  private static final long W_DERIVE = word("DERIVE\"");

  /** What a byte is inside a string of the plain shape. */
  private static final byte PLAIN = 0;
  private static final byte QUOTE = 1;
  private static final byte DEL = 2; // printable for JSON, refused in names by the validator
  private static final byte OTHER = 3; // a control, an escape, anything beyond ASCII: the Jackson path's
  private static final byte[] STRING_BYTE = new byte[256];

  static {
    for (int c = 0; c < 256; c++) {
      STRING_BYTE[c] = c == '"' ? QUOTE : c == 0x7F ? DEL : c < 0x20 || c > 0x7F || c == '\\' ? OTHER : PLAIN;
    }
  }

  private final Clock clock;
  private final WireSampleValidator validator;
  private final WireSampleValidator.Accepted accepted = new WireSampleValidator.Accepted();
  private final SampleEncoding encoding;
  private List<Reject> rejects;
  private final RejectSink toRejects = (i, c, reason) -> {
    if (rejects == null) {
      rejects = new ArrayList<>();
    }
    rejects.add(OpenFalconJson.reject(i, c, reason));
  };

  // accepted samples of the body being read, handed to the sink only once all of it was read
  private byte[] held = new byte[16 * 1024];
  private int heldSize;
  private int[] heldEnds = new int[128];
  private long[] heldHashes = new long[128];
  private int[] heldKeys = new int[128]; // a proven sample's key in `keys`, whose hash comes once the body is read
  private int heldCount;
  private final SeriesKeyBuffer keys = new SeriesKeyBuffer();
  private long[] keyHashes = new long[128];

  // the body, the read position and "now" (seconds) for the whole body
  private byte[] b;
  private int pos;
  private int end;
  private long now;
  // the last string read: b[strOff, strOff + strLen), and whether it holds a DEL
  private int strOff;
  private int strLen;
  private boolean strDel;
  private final JsonNumbers numbers = new JsonNumbers();

  FastWireJson(Clock clock, WireSampleValidator validator, SampleEncoding encoding) {
    this.clock = clock;
    this.validator = validator;
    this.encoding = encoding;
  }

  /** @return the body's items and refusals, or null when the body needs the Jackson path (the sink saw nothing) */
  OpenFalconWireJson.Result read(byte[] body, int offset, int length, OpenFalconWireJson.SampleSink sink) {
    b = body;
    pos = offset;
    end = offset + length;
    now = clock.millis() / 1000;
    heldSize = 0;
    heldCount = 0;
    keys.clear();
    rejects = null;
    try {
      int total = items();
      if (total < 0) {
        return null;
      }
      hashKeys();
      byte[] h = held;
      for (int i = 0, start = 0; i < heldCount; i++) {
        sink.accept(heldHashes[i], h, start, heldEnds[i] - start);
        start = heldEnds[i];
      }
      return new OpenFalconWireJson.Result(total, rejects == null ? List.of() : rejects);
    } finally {
      b = null;
      rejects = null;
      if (held.length > SHRINK_ABOVE) {
        held = new byte[16 * 1024]; // one huge body must not pin its buffer on every ingest thread
      }
    }
  }

  /** The array; -1 for the Jackson path. */
  private int items() {
    space();
    if (pos >= end || b[pos] != '[') {
      return -1; // a single object, a blank body, a byte-order mark, anything else
    }
    pos++;
    space();
    int index = 0;
    if (pos < end && b[pos] == ']') {
      pos++;
    } else {
      while (true) {
        if (index >= Limits.MAX_BATCH_SAMPLES || !item(index)) {
          return -1;
        }
        index++;
        space();
        if (pos >= end) {
          return -1;
        }
        byte c = b[pos++];
        if (c == ']') {
          break;
        }
        if (c != ',') {
          return -1;
        }
        space();
      }
    }
    space();
    return pos == end ? index : -1;
  }

  /** One object, written or handed to the validator; false for the Jackson path. */
  private boolean item(int index) {
    if (pos >= end || b[pos] != '{') {
      return false;
    }
    pos++;
    int seen = 0;
    int endpointOff = -1, endpointLen = 0, metricOff = -1, metricLen = 0, tagsOff = -1, tagsLen = 0;
    boolean del = false;
    double value = 0;
    long timestamp = 0;
    int step = 0;
    int type = 0;
    while (true) {
      space();
      int field = key();
      if (field == 0 || (seen & field) != 0) {
        return false; // unknown, escaped or repeated: Jackson's rules decide
      }
      seen |= field;
      space();
      if (pos >= end || b[pos++] != ':') {
        return false;
      }
      space();
      switch (field) {
        case ENDPOINT, METRIC, TAGS -> {
          if (!string()) {
            return false;
          }
          del |= strDel;
          if (field == ENDPOINT) {
            endpointOff = strOff;
            endpointLen = strLen;
          } else if (field == METRIC) {
            metricOff = strOff;
            metricLen = strLen;
          } else {
            tagsOff = strOff;
            tagsLen = strLen;
          }
        }
        case VALUE -> {
          int after = numbers.readDouble(b, pos, end);
          if (after < 0) {
            return false;
          }
          pos = after;
          value = numbers.doubleValue;
        }
        case TIMESTAMP, STEP -> {
          int after = numbers.readLong(b, pos, end);
          if (after < 0) {
            return false;
          }
          pos = after;
          long n = numbers.longValue;
          if (field == TIMESTAMP) {
            timestamp = n;
          } else {
            step = n > Integer.MAX_VALUE || n < Integer.MIN_VALUE ? -1 : (int) n;
          }
        }
        default -> { // TYPE
          if ((type = counterType()) == 0) {
            return false; // other spellings and their refusals are the Jackson path's
          }
        }
      }
      space();
      if (pos >= end) {
        return false;
      }
      byte c = b[pos++];
      if (c == '}') {
        break;
      }
      if (c != ',') {
        return false;
      }
    }
    if ((seen & (VALUE | TYPE)) != (VALUE | TYPE)) {
      return false; // a missing value or type is refused with the Jackson path's words
    }
    long ts = timestamp == 0 ? now : timestamp >= MILLIS_THRESHOLD ? timestamp / 1000 : timestamp;
    if (!del
        && endpointLen > 0 && endpointLen <= Limits.MAX_NAME_LENGTH
        && metricLen > 0 && metricLen <= Limits.MAX_NAME_LENGTH
        && metricLen + tagsLen <= Limits.MAX_METRIC_AND_TAGS_LENGTH
        && Double.isFinite(value)
        && step >= Limits.MIN_STEP_SECONDS && step <= Limits.MAX_STEP_SECONDS
        && timestamp >= 0 && ts <= now + Limits.MAX_FUTURE_SECONDS
        && AsciiSampleBytes.canonicalTags(b, tagsOff, tagsLen)) {
      write(endpointOff, endpointLen, metricOff, metricLen, tagsOff, tagsLen, value, ts, step, type);
      return true;
    }
    // not proven valid here: the validator decides, with its reasons
    SampleEncoding e = encoding;
    e.clear();
    if (endpointOff >= 0) {
      e.endpoint.setAscii(b, endpointOff, endpointLen);
    }
    if (metricOff >= 0) {
      e.metric.setAscii(b, metricOff, metricLen);
    }
    if (tagsOff >= 0) {
      e.tags.setAscii(b, tagsOff, tagsLen);
    }
    int size = e.encode(value, timestamp, step, type);
    if (validator.normalise(e.sample, 0, size, index, toRejects, accepted)) {
      hold(accepted.hash, accepted.bytes, accepted.offset, accepted.length);
    }
    return true;
  }

  /** A proven sample's encoding, as {@link SampleEncoding#encode} writes it, straight from the body's bytes. */
  private void write(int eOff, int eLen, int mOff, int mLen, int tOff, int tLen, double value, long ts, int step,
      int type) {
    int need = eLen + mLen + tLen + 3 * 3 + 9 + 11 + 6 + 2;
    if (heldSize + need > held.length) {
      held = Arrays.copyOf(held, Math.max(heldSize + need, held.length * 2));
    }
    byte[] h = held;
    byte[] in = b;
    int p = heldSize;
    h[p++] = 10;
    p = SampleEncoding.varint(h, p, eLen);
    System.arraycopy(in, eOff, h, p, eLen);
    p += eLen;
    h[p++] = 18;
    p = SampleEncoding.varint(h, p, mLen);
    System.arraycopy(in, mOff, h, p, mLen);
    p += mLen;
    if (tLen > 0) {
      h[p++] = 26;
      p = SampleEncoding.varint(h, p, tLen);
      System.arraycopy(in, tOff, h, p, tLen);
      p += tLen;
    }
    long bits = Double.doubleToRawLongBits(value);
    if (bits != 0) {
      h[p++] = 33;
      LONG.set(h, p, bits);
      p += 8;
    }
    if (ts != 0) {
      h[p++] = 40;
      p = SampleEncoding.varint(h, p, ts);
    }
    h[p++] = 48;
    p = SampleEncoding.varint(h, p, step);
    h[p++] = 56;
    h[p++] = (byte) type;
    if (heldCount == heldEnds.length) {
      grow();
    }
    heldEnds[heldCount] = p;
    heldKeys[heldCount++] = keys.add(in, eOff, eLen, mOff, mLen, tOff, tLen);
    heldSize = p;
  }

  /** The series hashes of the proven samples, from their keys, all at once. */
  private void hashKeys() {
    int n = keys.count();
    if (n == 0) {
      return;
    }
    if (keyHashes.length < n) {
      keyHashes = new long[Math.max(n, keyHashes.length * 2)];
    }
    keys.hashAll(keyHashes);
    for (int i = 0; i < heldCount; i++) {
      int k = heldKeys[i];
      if (k >= 0) {
        heldHashes[i] = keyHashes[k];
      }
    }
  }

  private void hold(long hash, byte[] bytes, int off, int len) {
    if (heldSize + len > held.length) {
      held = Arrays.copyOf(held, Math.max(heldSize + len, held.length * 2));
    }
    System.arraycopy(bytes, off, held, heldSize, len);
    heldSize += len;
    if (heldCount == heldEnds.length) {
      grow();
    }
    heldEnds[heldCount] = heldSize;
    heldKeys[heldCount] = -1;
    heldHashes[heldCount++] = hash;
  }

  private void grow() {
    heldEnds = Arrays.copyOf(heldEnds, heldCount * 2);
    heldHashes = Arrays.copyOf(heldHashes, heldCount * 2);
    heldKeys = Arrays.copyOf(heldKeys, heldCount * 2);
  }

  private void space() {
    while (pos < end) {
      byte c = b[pos];
      if (c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t')) {
        return;
      }
      pos++;
    }
  }

  /** A field name, as one of the field bits; 0 for any other name. */
  private int key() {
    int p = pos;
    if (p + 13 <= end && b[p] == '"') { // the common spellings: one or two compares of eight bytes
      long w = (long) LONG.get(b, p + 1);
      switch ((int) w & 0xFF) {
        case 'e' -> {
          if (w == W_ENDPOINT && b[p + 9] == '"') {
            pos = p + 10;
            return ENDPOINT;
          }
        }
        case 'm' -> {
          if ((w & 0x00FF_FFFF_FFFF_FFFFL) == W_METRIC) {
            pos = p + 8;
            return METRIC;
          }
        }
        case 't' -> {
          if ((w & 0xFF_FFFF_FFFFL) == W_TAGS) {
            pos = p + 6;
            return TAGS;
          }
          if (w == W_TIMESTAM && b[p + 9] == 'p' && b[p + 10] == '"') {
            pos = p + 11;
            return TIMESTAMP;
          }
        }
        case 's' -> {
          if ((w & 0xFF_FFFF_FFFFL) == W_STEP) {
            pos = p + 6;
            return STEP;
          }
        }
        case 'v' -> {
          if ((w & 0xFFFF_FFFF_FFFFL) == W_VALUE) {
            pos = p + 7;
            return VALUE;
          }
        }
        case 'c' -> {
          if (w == W_COUNTERT && b[p + 9] == 'y' && b[p + 10] == 'p' && b[p + 11] == 'e' && b[p + 12] == '"') {
            pos = p + 13;
            return TYPE;
          }
        }
        default -> { }
      }
    }
    if (!string()) {
      return 0;
    }
    return switch (strLen) {
      case 8 -> is("endpoint") ? ENDPOINT : 0;
      case 6 -> is("metric") ? METRIC : 0;
      case 4 -> is("tags") ? TAGS : is("step") ? STEP : 0;
      case 5 -> is("value") ? VALUE : 0;
      case 9 -> is("timestamp") ? TIMESTAMP : 0;
      case 11 -> is("counterType") ? TYPE : 0;
      default -> 0;
    };
  }

  /** The counterType's value as its enum number; 0 for anything but GAUGE, COUNTER and DERIVE as written. */
  private int counterType() {
    int p = pos;
    if (p + 9 <= end && b[p] == '"') {
      long w = (long) LONG.get(b, p + 1);
      if (w == W_COUNTER) {
        pos = p + 9;
        return CounterType.COUNTER_VALUE;
      }
      if ((w & 0xFFFF_FFFF_FFFFL) == W_GAUGE) {
        pos = p + 7;
        return CounterType.GAUGE_VALUE;
      }
      if ((w & 0x00FF_FFFF_FFFF_FFFFL) == W_DERIVE) {
        pos = p + 8;
        return CounterType.DERIVE_VALUE;
      }
    }
    if (!string()) {
      return 0;
    }
    return switch (strLen) {
      case 5 -> is("GAUGE") ? CounterType.GAUGE_VALUE : 0;
      case 7 -> is("COUNTER") ? CounterType.COUNTER_VALUE : 0;
      case 6 -> is("DERIVE") ? CounterType.DERIVE_VALUE : 0;
      default -> 0;
    };
  }

  /** The last string equals this ASCII word. */
  private boolean is(String word) {
    for (int i = 0; i < strLen; i++) {
      if (b[strOff + i] != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A string of printable ASCII without escapes (bytes 0x20-0x7F but {@code "} and {@code \}), at most Jackson's
   * string limit: those bytes are their own UTF-8 and their own UTF-16. False for anything else.
   */
  private boolean string() {
    byte[] in = b;
    int p = pos;
    if (p >= end || in[p] != '"') {
      return false;
    }
    int start = p + 1;
    int limit = Math.min(end, start + OpenFalconJson.MAX_STRING);
    boolean del = false;
    for (int i = start; i < limit; i++) {
      byte k = STRING_BYTE[in[i] & 0xFF];
      if (k != PLAIN) {
        if (k == QUOTE) {
          strOff = start;
          strLen = i - start;
          strDel = del;
          pos = i + 1;
          return true;
        }
        if (k == OTHER) {
          return false;
        }
        del = true;
      }
    }
    return false;
  }

  /** Up to eight ASCII characters as {@link #LONG} reads them from a body. */
  private static long word(String s) {
    long w = 0;
    for (int i = s.length() - 1; i >= 0; i--) {
      w = (w << 8) | s.charAt(i);
    }
    return w;
  }
}
