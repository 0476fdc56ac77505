package io.peregrine.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wire reader against the object reader on generated bodies (every test of {@link OpenFalconJsonTest} and
 * {@link OpenFalconJsonBadInputTest} already runs both), and its number parsing against Double.parseDouble.
 */
class OpenFalconWireJsonTest {
  private static final long NOW = 1_700_000_000L;
  private final BothReaders both = new BothReaders(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  private static final String[][] FIELDS = {
      {"\"endpoint\":\"host-1\"", "\"endpoint\":\"h\\u00e9te\"", "\"endpoint\":\"\"", "\"endpoint\":null",
          "\"endpoint\":7", "\"endpoint\":\"a\\uD83D\\uDE00\"", "\"endpoint\":\"x\\uD800\"", "\"endpoint\":\"\\u0001\"",
          "\"endpoint\":\"" + "e".repeat(300) + "\"", "\"endpoint\":\"\u4e2d\u6587\""},
      {"\"metric\":\"cpu.idle\"", "\"metric\":\"\"", "\"metric\":[1]", "\"metric\":\"m \\t x\""},
      {"\"tags\":\"\"", "\"tags\":\"a=1\"", "\"tags\":\"b=2,a=1\"", "\"tags\":\"a=1,a=2\"", "\"tags\":\"x\"",
          "\"tags\":{\"p\":80,\"a\":\"b\"}", "\"tags\":{\"a\":true}", "\"tags\":null", "\"tags\":\" a = 1 \"",
          "\"tags\":\"k=\\u00fc\""},
      {"\"value\":1", "\"value\":12.5", "\"value\":-0.0", "\"value\":\"3.25\"", "\"value\":\"x\"", "\"value\":null",
          "\"value\":1e400", "\"value\":123456789012345678901234567890", "\"value\":0.1", "\"value\":-7.0E-3",
          "\"value\":[1]", "\"value\":-0", "\"value\":-17", "\"value\":9007199254740993",
          "\"value\":1.7976931348623157e308", "\"value\":4.9e-324"},
      {"\"timestamp\":1699999940", "\"timestamp\":0", "\"timestamp\":1699999940123", "\"timestamp\":-5",
          "\"timestamp\":\"1699999940\"", "\"timestamp\":1699999940.7", "\"timestamp\":1800000000",
          "\"timestamp\":null"},
      {"\"step\":60", "\"step\":0", "\"step\":\"30\"", "\"step\":4294967356", "\"step\":-1", "\"step\":86401"},
      {"\"counterType\":\"GAUGE\"", "\"counterType\":\"COUNTER\"", "\"counterType\":\"DERIVE\"",
          "\"counterType\":\"gauge\"", "\"counterType\":\"HISTOGRAM\"", "\"counterType\":true", "\"counterType\":\"\""},
      {"\"extra\":{\"n\":[1,2]}", "\"flag\":false"},
  };

  @Test
  void generatedItemsGetTheSameAnswersFromBothReaders() throws Exception {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      StringJoiner batch = new StringJoiner(",", "[", "]");
      int items = 1 + random.nextInt(20);
      for (int i = 0; i < items; i++) {
        List<String> fields = new ArrayList<>();
        for (String[] choices : FIELDS) {
          int pick = random.nextInt(choices.length + 2); // sometimes left out, sometimes the first (valid) one
          if (pick < choices.length) {
            fields.add(choices[pick]);
          } else if (pick == choices.length) {
            fields.add(choices[0]);
          }
        }
        if (random.nextInt(10) == 0 && !fields.isEmpty()) {
          fields.add(fields.get(random.nextInt(fields.size()))); // a duplicate field: the last one counts
        }
        Collections.shuffle(fields, random);
        batch.add("{" + String.join(",", fields) + "}");
      }
      both.parse(batch.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0", "-0.0", "12.5", "0.1", "1.0E10", "1e22", "1e23", "123456789012345.6",
      "1234567890123456.7", "9007199254740993.0", "2.2250738585072014E-308", "4.9e-324", "1.7976931348623157e308",
      "1e-22", "1e-23", "0.000001", "3.141592653589793", "+1.5", "00012.50", "1E+2", "5e-0"})
  void decimalsMatchDoubleParseDouble(String text) {
    assertThat(Decimals.parse(text.toCharArray(), 0, text.length())).isEqualTo(Double.parseDouble(text));
  }

  @Test
  void randomDecimalsMatchDoubleParseDouble() {
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      String text;
      switch (i % 4) {
        case 0 -> text = Double.toString(Double.longBitsToDouble(random.nextLong()));
        case 1 -> text = (random.nextInt(2_000_000) - 1_000_000) + "." + random.nextInt(1_000_000);
        case 2 -> text = random.nextInt(100_000) + "." + random.nextInt(1000) + "e" + (random.nextInt(60) - 30);
        default -> text = Long.toString(random.nextLong() >>> random.nextInt(64)) + "." + random.nextInt(10);
      }
      if (text.contains("N") || text.contains("I")) {
        continue; // NaN and Infinity are no JSON numbers
      }
      double expected = Double.parseDouble(text);
      double got = Decimals.parse(text.toCharArray(), 0, text.length());
      assertThat(Double.doubleToRawLongBits(got)).as(text).isEqualTo(Double.doubleToRawLongBits(expected));
    }
  }
}
