package io.peregrine.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.common.model.WireSampleValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The byte-level reader: it takes the plain shape itself, leaves everything else to the Jackson path without
 * touching the sink, and on random and mutated bodies {@link OpenFalconWireJson#read} answers exactly as the
 * Jackson path and the object reader do ({@link BothReaders}).
 */
class FastWireJsonTest {
  private static final long NOW = 1_700_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
  private final BothReaders both = new BothReaders(CLOCK);

  private static FastWireJson fast() {
    return new FastWireJson(CLOCK, new WireSampleValidator(CLOCK), new SampleEncoding());
  }

  /** An item as the side-by-side's load writes it. */
  private static String benchItem(int s) {
    String tags = "idc=dc" + s % 4 + (s % 3 > 0 ? ",role=r" + s % 7 : "") + (s % 3 > 1 ? ",svc=s" + s % 10 : "");
    boolean counter = s % 10 == 5;
    return "{\"endpoint\":\"load-host-" + s / 10 + "\",\"metric\":\"m" + s % 10 + "\",\"timestamp\":" + (NOW - 60)
        + ",\"step\":60,\"value\":" + (counter ? String.valueOf(s * 100_000L) : (s % 10000) / 100.0)
        + ",\"counterType\":\"" + (counter ? "COUNTER" : "GAUGE") + "\",\"tags\":\"" + tags + "\"}";
  }

  private static byte[] benchBody(int from, int n) {
    StringJoiner j = new StringJoiner(",", "[", "]");
    for (int i = 0; i < n; i++) {
      j.add(benchItem(from + i));
    }
    return j.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theLoadShapeIsReadWithoutJacksonAndAnsweredAsJacksonDoes() throws Exception {
    for (int k = 0; k < 50; k++) {
      byte[] body = benchBody(k * 100, 100);
      List<Long> hashes = new ArrayList<>();
      OpenFalconWireJson.Result r = fast().read(body, 0, body.length, (h, b, o, l) -> hashes.add(h));
      assertThat(r).as("the fast path took the body").isNotNull();
      assertThat(r.total()).isEqualTo(100);
      assertThat(r.rejects()).isEmpty();
      assertThat(hashes).hasSize(100);
      both.parse(body);
    }
  }

  @Test
  void theItemLimitHoldsOnTheFastPathToo() throws Exception {
    int max = io.peregrine.common.model.Limits.MAX_BATCH_SAMPLES;
    byte[] full = benchBody(0, max);
    OpenFalconWireJson.Result r = fast().read(full, 0, full.length, (h, b, o, l) -> { });
    assertThat(r).isNotNull();
    assertThat(r.total()).isEqualTo(max);
    both.parse(full);
    byte[] over = benchBody(0, max + 1);
    assertThat(fast().read(over, 0, over.length, (h, b, o, l) -> { })).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> both.parse(over))
        .isInstanceOf(MalformedBatchException.class).hasMessageContaining("more than " + max);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"endpoint\":\"h\",\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\"}",
      "[{\"endpoint\":\"h\\u0041\",\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\"}]",
      "[{\"endpoint\":\"h\u00e9\",\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\"}]",
      "[{\"endpoint\":\"h\",\"metric\":\"m\",\"value\":\"1\",\"counterType\":\"GAUGE\"}]",
      "[{\"endpoint\":\"h\",\"metric\":\"m\",\"value\":01,\"counterType\":\"GAUGE\"}]",
      "[{\"endpoint\":\"h\",\"metric\":\"m\",\"value\":1,\"counterType\":\"gauge\"}]",
      "[{\"endpoint\":\"h\",\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\",\"extra\":1}]",
      "[{\"endpoint\":\"h\",\"endpoint\":\"i\",\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\"}]",
      "[{\"endpoint\":\"h\",\"metric\":\"m\",\"counterType\":\"GAUGE\"}]",
      "[{\"endpoint\":\"h\",\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\",\"timestamp\":1.5}]",
      "[{\"endpoint\":\"h\",\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\",\"tags\":{\"a\":\"b\"}}]",
      "[{\"endpoint\":null,\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\"}]",
      "[{\"endpoint\":\"h\",\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\"}] x",
      "[{\"endpoint\":\"h\",\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\"},]",
      "[{\"endpoint\":\"h\",\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\"}",
      "[7]", "", "  ", "\uFEFF[]"})
  void anythingElseIsLeftToJacksonBeforeTheSinkSeesASample(String text) throws Exception {
    byte[] body = ("[{\"endpoint\":\"first\",\"metric\":\"m\",\"value\":1,\"counterType\":\"GAUGE\"},"
        + (text.startsWith("[") ? text.substring(1) : text)).getBytes(StandardCharsets.UTF_8);
    if (!text.startsWith("[")) {
      body = text.getBytes(StandardCharsets.UTF_8);
    }
    List<Long> seen = new ArrayList<>();
    assertThat(fast().read(body, 0, body.length, (h, b, o, l) -> seen.add(h))).isNull();
    assertThat(seen).as("the sink saw nothing of a body left to Jackson").isEmpty();
    try {
      both.parse(body);
    } catch (MalformedBatchException e) {
      // refused by every reader alike (BothReaders checked it)
    }
  }

  /** Field variants inside the fast path's shape, valid or refused by the validator. */
  private static final String[][] PLAIN = {
      {"\"endpoint\":\"host-1\"", "\"endpoint\":\"\"", "\"endpoint\":\"a b\"", "\"endpoint\":\"x\u007f\"",
          "\"endpoint\":\"" + "e".repeat(300) + "\"", "\"endpoint\":\"h/1:2\""},
      {"\"metric\":\"cpu.idle\"", "\"metric\":\"\"", "\"metric\":\" m \"", "\"metric\":\"a=b\""},
      {"\"tags\":\"\"", "\"tags\":\"a=1\"", "\"tags\":\"b=2,a=1\"", "\"tags\":\"a=1,a=2\"", "\"tags\":\"x\"",
          "\"tags\":\" a = 1 \"", "\"tags\":\"a=,=b\"", "\"tags\":\"a=1,,b=2\""},
      {"\"value\":1", "\"value\":12.5", "\"value\":-0.0", "\"value\":-0", "\"value\":0", "\"value\":1e400",
          "\"value\":123456789012345678901234567890", "\"value\":0.1", "\"value\":-7.0E-3", "\"value\":1E+2",
          "\"value\":9007199254740993", "\"value\":1.7976931348623157e308", "\"value\":4.9e-324",
          "\"value\":-1e-400", "\"value\":123456789012345.6789"},
      {"\"timestamp\":1699999940", "\"timestamp\":0", "\"timestamp\":1699999940123", "\"timestamp\":-5",
          "\"timestamp\":1800000000", "\"timestamp\":-0", "\"timestamp\":999999999999999999",
          "\"timestamp\":-999999999999999999"},
      {"\"step\":60", "\"step\":0", "\"step\":4294967356", "\"step\":-1", "\"step\":86401", "\"step\":1",
          "\"step\":2147483648", "\"step\":-2147483649"},
      {"\"counterType\":\"GAUGE\"", "\"counterType\":\"COUNTER\"", "\"counterType\":\"DERIVE\""},
  };
  private static final String[] SPACE = {"", "", "", " ", "\n", "\t ", "\r\n"};

  @Test
  void plainShapeVariantsGetTheSameAnswersOnEveryPath() throws Exception {
    Random random = new Random(1603);
    int fastTaken = 0;
    for (int round = 0; round < 3000; round++) {
      StringJoiner batch = new StringJoiner(sp(random) + "," + sp(random), sp(random) + "[" + sp(random),
          sp(random) + "]" + sp(random));
      int items = 1 + random.nextInt(4);
      for (int i = 0; i < items; i++) {
        List<String> fields = new ArrayList<>();
        for (int f = 0; f < PLAIN.length; f++) {
          if (f >= 3 || random.nextInt(8) > 0) { // value, timestamp, step and type always there
            String field = PLAIN[f][random.nextInt(PLAIN[f].length)];
            int colon = field.indexOf("\":") + 1; // after the name, not inside a value
            fields.add(field.substring(0, colon) + sp(random) + ":" + sp(random) + field.substring(colon + 1));
          }
        }
        java.util.Collections.shuffle(fields, random);
        batch.add("{" + sp(random) + String.join(sp(random) + "," + sp(random), fields) + sp(random) + "}");
      }
      byte[] body = batch.toString().getBytes(StandardCharsets.UTF_8);
      if (fast().read(body, 0, body.length, (h, b, o, l) -> { }) != null) {
        fastTaken++;
      }
      both.parse(body);
    }
    assertThat(fastTaken).as("the fast path took most of these bodies").isGreaterThan(2000);
  }

  private static String sp(Random random) {
    return SPACE[random.nextInt(SPACE.length)];
  }

  /** Pieces of bodies: valid items, and the unusual things the fast path must leave to Jackson. */
  private static final String[] PIECES = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u00e9", "\\n", "\\uD800",
      "\u00e9", "\u4e2d", "\uD83D\uDE00", " ", "\t", "\n", "\u0000", "\u0001", "\u007f", "-", "0", "1", "9", ".",
      "e", "E+", "-0", "00", "1e400", "true", "null", "\"endpoint\"", "\"metric\"", "\"value\"", "\"tags\"",
      "\"step\"", "\"timestamp\"", "\"counterType\"", "\"GAUGE\"", "\"COUNTER\"", "\"DERIVE\"", "\"a=1,b=2\"",
      "\"b=2,a=1\"", "123456789012345678901", "1699999940123", "86401"};

  @Test
  void mutatedBodiesGetTheSameAnswersOnEveryPath() throws Exception {
    Random random = new Random(20261203);
    int refused = 0;
    int fastTaken = 0;
    for (int round = 0; round < 5000; round++) {
      String text = new String(benchBody(random.nextInt(10_000), 1 + random.nextInt(5)), StandardCharsets.UTF_8);
      StringBuilder s = new StringBuilder(text);
      int mutations = random.nextInt(4);
      for (int m = 0; m < mutations; m++) {
        int at = random.nextInt(s.length() + 1);
        switch (random.nextInt(4)) {
          case 0 -> s.insert(at, PIECES[random.nextInt(PIECES.length)]);
          case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(3)));
          case 2 -> s.replace(at, Math.min(s.length(), at + 1), PIECES[random.nextInt(PIECES.length)]);
          default -> s.setLength(at); // a truncated body
        }
      }
      byte[] body = s.toString().getBytes(StandardCharsets.UTF_8);
      if (random.nextInt(20) == 0 && body.length > 0) {
        body[random.nextInt(body.length)] = (byte) random.nextInt(256); // any byte, invalid UTF-8 included
      }
      if (fast().read(body, 0, body.length, (h, b, o, l) -> { }) != null) {
        fastTaken++;
      }
      try {
        both.parse(body);
      } catch (MalformedBatchException e) {
        refused++;
      }
    }
    assertThat(refused).as("some bodies were broken").isGreaterThan(100);
    assertThat(fastTaken).as("some survived as the plain shape").isGreaterThan(100);
  }

  @Test
  void randomPieceSoupGetsTheSameAnswersOnEveryPath() throws Exception {
    Random random = new Random(16);
    for (int round = 0; round < 3000; round++) {
      StringBuilder s = new StringBuilder("[{");
      int n = random.nextInt(30);
      for (int i = 0; i < n; i++) {
        s.append(PIECES[random.nextInt(PIECES.length)]);
      }
      try {
        both.parse(s.toString().getBytes(StandardCharsets.UTF_8));
      } catch (MalformedBatchException e) {
        // the same refusal on every path: BothReaders checked it
      }
    }
  }
}
