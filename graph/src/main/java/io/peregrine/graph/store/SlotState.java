package io.peregrine.graph.store;

import java.nio.ByteBuffer;

/**
 * The per-series state kept in its segment next to the cells, {@link #BYTES} bytes at a slot's state offset: what
 * the consolidation needs between samples (the open step being accumulated, the last counter reading, each level's
 * open consolidated point) and the newest raw sample. Living in the mapped file, it survives a restart and a killed
 * process exactly as the cells do, and costs no heap per series.
 */
final class SlotState {
  static final int BYTES = 224;
  /** No step yet (a slot just allocated, or a bucket field unset). */
  static final long NONE = Long.MIN_VALUE;

  static final int USED = 0; // int: 1 in use, 0 free
  static final int STEP = 4; // int seconds
  static final int TYPE = 8; // int CounterType number
  static final int FIRST = 16; // long: start of the first raw step stored
  static final int OPEN = 24; // long: start of the raw step being accumulated, NONE before the first sample
  static final int LAST_FINAL = 32; // long: start of the newest raw step written to the cells, NONE if none
  static final int LAST_T = 40; // long: timestamp of the newest sample
  static final int LAST_V = 48; // double: its value as pushed (a counter's reading)
  static final int PDP_SUM = 56; // double: value x seconds accumulated in the open step
  static final int PDP_KNOWN = 64; // double: seconds of the open step with a known value
  static final int SEG_START = 72; // long: since when HOLD applies
  static final int HOLD = 80; // double: the value holding since SEG_START (a gauge reading or a rate), NaN unknown
  static final int LEVEL_BASE = 96; // per level: sum, max, min (doubles), known (int), 32 bytes
  static final int LEVEL_BYTES = 32;

  private SlotState() {}

  static void init(ByteBuffer b, long at, int step, int type) {
    for (int i = 0; i < BYTES; i += 8) {
      b.putLong((int) at + i, 0L);
    }
    b.putInt((int) at + STEP, step);
    b.putInt((int) at + TYPE, type);
    b.putLong((int) at + FIRST, NONE);
    b.putLong((int) at + OPEN, NONE);
    b.putLong((int) at + LAST_FINAL, NONE);
    b.putLong((int) at + LAST_T, NONE);
    b.putDouble((int) at + HOLD, Double.NaN);
    for (int l = 0; l < ArchiveLayout.LEVELS; l++) {
      resetLevel(b, at, l);
    }
    b.putInt((int) at + USED, 1);
  }

  static void free(ByteBuffer b, long at) {
    b.putInt((int) at + USED, 0);
  }

  /** Whether a used slot's state is that of a series with this step and counter type (a damaged one is not). */
  static boolean matches(ByteBuffer b, long at, int step, int type) {
    return b.getInt((int) at + STEP) == step && b.getInt((int) at + TYPE) == type;
  }

  static boolean used(ByteBuffer b, long at) {
    return b.getInt((int) at + USED) == 1;
  }

  static long level(long at, int l) {
    return at + LEVEL_BASE + (long) l * LEVEL_BYTES;
  }

  static void resetLevel(ByteBuffer b, long at, int l) {
    int o = (int) level(at, l);
    b.putDouble(o, 0);
    b.putDouble(o + 8, Double.NEGATIVE_INFINITY);
    b.putDouble(o + 16, Double.POSITIVE_INFINITY);
    b.putInt(o + 24, 0);
  }

  static int getInt(ByteBuffer b, long at, int field) {
    return b.getInt((int) at + field);
  }

  static long getLong(ByteBuffer b, long at, int field) {
    return b.getLong((int) at + field);
  }

  static double getDouble(ByteBuffer b, long at, int field) {
    return b.getDouble((int) at + field);
  }

  static void putLong(ByteBuffer b, long at, int field, long v) {
    b.putLong((int) at + field, v);
  }

  static void putDouble(ByteBuffer b, long at, int field, double v) {
    b.putDouble((int) at + field, v);
  }
}
