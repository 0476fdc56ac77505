package io.peregrine.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Four chains at a time give {@link SeriesKey#hash(String, String, String)}'s value for every key, in order. */
class SeriesKeyBufferTest {
  @Test
  void everyKeyHashesAsSeriesKeyWhateverTheCountAndLengths() {
    Random random = new Random(416);
    SeriesKeyBuffer buffer = new SeriesKeyBuffer();
    for (int round = 0; round < 200; round++) {
      buffer.clear();
      int n = random.nextInt(11);
      List<Long> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String e = ascii(random, 1 + random.nextInt(40));
        String m = ascii(random, 1 + random.nextInt(40));
        String t = random.nextBoolean() ? "" : ascii(random, 1 + random.nextInt(60));
        byte[] body = ("#" + e + "#" + m + "#" + t).getBytes(StandardCharsets.US_ASCII);
        int mOff = 2 + e.length();
        int tOff = mOff + m.length() + 1;
        assertThat(buffer.add(body, 1, e.length(), mOff, m.length(), t.isEmpty() ? -1 : tOff, t.length()))
            .isEqualTo(i);
        expected.add(SeriesKey.hash(e, m, t));
      }
      long[] out = new long[n];
      buffer.hashAll(out);
      assertThat(buffer.count()).isEqualTo(n);
      for (int i = 0; i < n; i++) {
        assertThat(out[i]).as("key %d of %d", i, n).isEqualTo(expected.get(i));
      }
    }
  }

  private static String ascii(Random random, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append((char) (0x21 + random.nextInt(0x5E)));
    }
    return s.toString();
  }
}
