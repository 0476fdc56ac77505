package io.peregrine.graph.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockCodecTest {
  static void roundTrip(float... values) {
    byte[] enc = BlockCodec.encode(values, 0, values.length);
    assertThat(enc.length).isLessThanOrEqualTo(BlockCodec.maxBytes(values.length));
    float[] out = new float[values.length];
    BlockCodec.decode(enc, values.length, out, 0);
    for (int i = 0; i < values.length; i++) {
      assertThat(Float.floatToRawIntBits(out[i])).as("value %d of %s", i, Arrays.toString(values))
          .isEqualTo(Float.floatToRawIntBits(values[i]));
    }
  }

  @Test
  void edgeValuesComeBackBitForBit() {
    roundTrip(Float.NaN, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
        -Float.MAX_VALUE, 1f, Float.NaN, Float.NaN, 0.1f, Float.intBitsToFloat(0x7fc00001), 123456.78f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
    roundTrip(42f);
    roundTrip(Float.NaN);
  }

  @Test
  void unknownRowsAndConstantsTakeOneBitEach() {
    float[] nan = new float[16];
    Arrays.fill(nan, Float.NaN);
    assertThat(BlockCodec.encode(nan, 0, 16)).hasSize(4 + 2); // 32 bits + 15 bits
    float[] constant = new float[16];
    Arrays.fill(constant, 97.5f);
    assertThat(BlockCodec.encode(constant, 0, 16)).hasSize(6);
    roundTrip(nan);
    roundTrip(constant);
  }

  @Test
  void randomBlocksRoundTripAndStayWithinTheBound() {
    Random r = new Random(7);
    for (int round = 0; round < 2_000; round++) {
      int n = 1 + r.nextInt(16);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = switch (r.nextInt(4)) {
          case 0 -> Float.intBitsToFloat(r.nextInt());
          case 1 -> Float.NaN;
          case 2 -> (float) Math.round(r.nextGaussian() * 100);
          default -> i > 0 ? v[i - 1] : 1f;
        };
      }
      roundTrip(v);
    }
  }

  @Test
  void aDamagedBlockIsRefusedNotMisread() {
    float[] v = {1f, 2f, 3f, 4f};
    byte[] enc = BlockCodec.encode(v, 0, 4);
    assertThatThrownBy(() -> BlockCodec.decode(Arrays.copyOf(enc, 4), 4, new float[4], 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("damaged block");
    assertThatThrownBy(() -> BlockCodec.encode(v, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
