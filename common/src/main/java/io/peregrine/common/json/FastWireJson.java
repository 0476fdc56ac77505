package io.peregrine.common.json;

import io.peregrine.common.model.Limits;
import io.peregrine.common.model.RejectSink;
import io.peregrine.common.model.WireSampleValidator;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Reject;
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
 * <p>Anything else, valid or not, makes {@link #read} return null <em>before the sink saw anything</em>, and the
 * caller reads the body again on the Jackson path: accepted samples are held here until the body's last byte has
 * been read. Refusals of the fast path come only from {@link WireSampleValidator}, which both paths share, so a
 * body gets the same answer on either path (the tests run every body through both).
 */
final class FastWireJson {
  private static final int MAX_NUMBER = 64;
  private static final int SHRINK_ABOVE = 4 << 20;
  private static final int ENDPOINT = 1;
  private static final int METRIC = 2;
  private static final int TAGS = 4;
  private static final int VALUE = 8;
  private static final int TIMESTAMP = 16;
  private static final int STEP = 32;
  private static final int TYPE = 64;

  private final WireSampleValidator validator;
  private final WireSampleValidator.Accepted accepted = new WireSampleValidator.Accepted();
  private final SampleEncoding encoding;
  private final char[] number = new char[MAX_NUMBER];
  private List<Reject> rejects;
  private final RejectSink toRejects = (i, c, reason) -> rejects.add(OpenFalconJson.reject(i, c, reason));

  // accepted samples of the body being read, handed to the sink only once all of it was read
  private byte[] held = new byte[16 * 1024];
  private int heldSize;
  private int[] heldEnds = new int[128];
  private long[] heldHashes = new long[128];
  private int heldCount;

  // the body and the read position
  private byte[] b;
  private int pos;
  private int end;
  // the last string read: b[strOff, strOff + strLen)
  private int strOff;
  private int strLen;
  // the last number read
  private double doubleValue;
  private long longValue;

  FastWireJson(WireSampleValidator validator, SampleEncoding encoding) {
    this.validator = validator;
    this.encoding = encoding;
  }

  /** @return the body's items and refusals, or null when the body needs the Jackson path (the sink saw nothing) */
  OpenFalconWireJson.Result read(byte[] body, int offset, int length, OpenFalconWireJson.SampleSink sink) {
    b = body;
    pos = offset;
    end = offset + length;
    heldSize = 0;
    heldCount = 0;
    List<Reject> list = new ArrayList<>(0);
    rejects = list;
    try {
      int total = items();
      if (total < 0) {
        return null;
      }
      for (int i = 0, start = 0; i < heldCount; i++) {
        sink.accept(heldHashes[i], held, start, heldEnds[i] - start);
        start = heldEnds[i];
      }
      return new OpenFalconWireJson.Result(total, list);
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

  /** One object, encoded and validated; false for the Jackson path. */
  private boolean item(int index) {
    if (pos >= end || b[pos] != '{') {
      return false;
    }
    pos++;
    encoding.clear();
    int seen = 0;
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
          (field == ENDPOINT ? encoding.endpoint : field == METRIC ? encoding.metric : encoding.tags)
              .setAscii(b, strOff, strLen);
        }
        case VALUE -> {
          if (!number()) {
            return false;
          }
          value = doubleValue;
        }
        case TIMESTAMP, STEP -> {
          if (!integer()) {
            return false;
          }
          if (field == TIMESTAMP) {
            timestamp = longValue;
          } else {
            step = longValue > Integer.MAX_VALUE || longValue < Integer.MIN_VALUE ? -1 : (int) longValue;
          }
        }
        default -> { // TYPE
          if (!string() || (type = counterType()) == 0) {
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
    int size = encoding.encode(value, timestamp, step, type);
    if (validator.normalise(encoding.sample, 0, size, index, toRejects, accepted)) {
      hold(accepted.hash, accepted.bytes, accepted.offset, accepted.length);
    }
    return true;
  }

  private void hold(long hash, byte[] bytes, int off, int len) {
    if (heldSize + len > held.length) {
      held = Arrays.copyOf(held, Math.max(heldSize + len, held.length * 2));
    }
    System.arraycopy(bytes, off, held, heldSize, len);
    heldSize += len;
    if (heldCount == heldEnds.length) {
      heldEnds = Arrays.copyOf(heldEnds, heldCount * 2);
      heldHashes = Arrays.copyOf(heldHashes, heldCount * 2);
    }
    heldEnds[heldCount] = heldSize;
    heldHashes[heldCount++] = hash;
  }

  private void space() {
    while (pos < end) {
      byte c = b[pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  /** A field name, as one of the field bits; 0 for any other name. */
  private int key() {
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

  private int counterType() {
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
    if (pos >= end || b[pos] != '"') {
      return false;
    }
    int start = ++pos;
    int limit = Math.min(end, start + OpenFalconJson.MAX_STRING);
    for (int i = start; i < limit; i++) {
      byte c = b[i];
      if (c == '"') {
        strOff = start;
        strLen = i - start;
        pos = i + 1;
        return true;
      }
      if (c < 0x20 || c == '\\') { // controls, escapes and (as signed bytes) everything beyond ASCII
        return false;
      }
    }
    return false;
  }

  /**
   * A JSON number in the grammar's strict form ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}), read as
   * the Jackson path reads it ({@link Decimals}; an integer's -0 is a zero). False for anything else.
   */
  private boolean number() {
    int start = pos;
    int i = digitsAfterSign(start);
    if (i < 0) {
      return false;
    }
    boolean integer = true;
    if (i < end && b[i] == '.') {
      integer = false;
      int j = digits(i + 1);
      if (j == i + 1) {
        return false;
      }
      i = j;
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      integer = false;
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int j = digits(i);
      if (j == i) {
        return false;
      }
      i = j;
    }
    int len = i - start;
    if (len > MAX_NUMBER) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      number[k] = (char) b[start + k];
    }
    double v = Decimals.parse(number, 0, len);
    doubleValue = integer ? v + 0.0 : v;
    pos = i;
    return true;
  }

  /** A JSON integer of at most 18 digits (no fraction, no exponent: those are the Jackson path's). */
  private boolean integer() {
    int start = pos;
    int i = digitsAfterSign(start);
    if (i < 0 || (i < end && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'))) {
      return false;
    }
    boolean negative = b[start] == '-';
    int first = negative ? start + 1 : start;
    if (i - first > 18) {
      return false;
    }
    long v = 0;
    for (int k = first; k < i; k++) {
      v = v * 10 + (b[k] - '0');
    }
    longValue = negative ? -v : v;
    pos = i;
    return true;
  }

  /** An optional minus, then 0 or a non-zero digit and more digits: the position after them, or -1. */
  private int digitsAfterSign(int i) {
    if (i < end && b[i] == '-') {
      i++;
    }
    if (i >= end || b[i] < '0' || b[i] > '9') {
      return -1;
    }
    if (b[i] == '0') {
      i++;
      return i < end && b[i] >= '0' && b[i] <= '9' ? -1 : i; // a leading zero is no JSON number
    }
    return digits(i);
  }

  private int digits(int i) {
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i;
  }
}
