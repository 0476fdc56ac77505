package io.peregrine.graph.store;

import io.peregrine.proto.v1.CounterType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongToDoubleFunction;
import java.util.zip.Deflater;

/**
 * Measures what one series takes on disk at full retention (every archive full) under candidate encodings, on
 * series shaped like monitoring data: each shape is pushed through the real consolidation ({@link Consolidator}) into
 * a real segment slot for 366 days at a 60 s step, then every archive's rows are encoded.
 *
 * <p>Candidates: today's 4-byte cells; closed blocks XOR-compressed ({@link BlockCodec}) and stored at their own
 * length (a variable-size layout: plus a 4-byte reference per block and the 13 open blocks kept as plain cells);
 * the same in fixed cells of 20 or 24 bytes with blocks that do not fit spilled whole to 64-byte overflow cells;
 * and Deflate of the whole slot as a general-purpose reference. {@code peregrine bench graph --layout-study} prints
 * it.
 */
public final class LayoutStudy {
  private static final int STEP = 60;
  private static final long DAYS = 366;
  private static final int OPEN_BLOCKS_BYTES = 13 * ArchiveLayout.BLOCK_ROWS * 4;

  /** One data shape: its counter type and the reading at sample number {@code i}. */
  record Shape(String name, CounterType type, LongToDoubleFunction reading) {}

  /** Bytes of one series at full retention under each candidate. */
  record Result(String shape, long cells, long[] variable, long fixed24, long deflate, double xorBytesPerValue) {
    /** The variable-size layout with blocks of 64 rows: the candidate chosen. */
    long variable64() {
      return variable[1];
    }
  }

  /** Rows per block of the variable-size candidates. */
  static final int[] VARIABLE_BLOCKS = {16, 64, 128};
  /** An appendable block's encoder state: previous bits, window, bit position, block start. */
  static final int APPEND_STATE_BYTES = 16;

  private LayoutStudy() {}

  static List<Shape> shapes() {
    List<Shape> s = new ArrayList<>();
    s.add(new Shape("constant gauge (a disk's size)", CounterType.GAUGE, i -> 1_000_000));
    s.add(new Shape("idle counter (errors, rate 0)", CounterType.COUNTER, i -> 42));
    Random walk = new Random(1);
    long[] procs = {120};
    s.add(new Shape("integer gauge, changes 1 step in 10", CounterType.GAUGE, i -> {
      if (walk.nextInt(10) == 0) {
        procs[0] += walk.nextBoolean() ? 1 : -1;
      }
      return procs[0];
    }));
    Random pct = new Random(2);
    s.add(new Shape("2-decimal gauge (cpu.idle 90..100)", CounterType.GAUGE,
        i -> Math.round((90 + 10 * pct.nextDouble()) * 100) / 100.0));
    Random bytes = new Random(3);
    long[] counter = {0};
    s.add(new Shape("counter, jittery rate (net bytes)", CounterType.COUNTER, i -> {
      counter[0] += 60_000 + bytes.nextInt(12_000);
      return counter[0];
    }));
    Random noise = new Random(4);
    s.add(new Shape("full-precision noisy float", CounterType.GAUGE, i -> 50 + noise.nextDouble()));
    return s;
  }

  /** Prints the table for a raw archive of {@code rawRows}. */
  public static void report(int rawRows, PrintWriter out) throws IOException {
    ArchiveLayout layout = ArchiveLayout.withRawRows(rawRows);
    List<Result> results = run(layout);
    out.printf("layout study: %s, one series at full retention (%d days at a %d s step pushed through the real "
        + "consolidation), bytes per series%n", layout, DAYS, STEP);
    out.printf("  %-38s %8s %9s %9s %9s %9s %8s %9s%n", "shape", "cells", "var-16", "var-64", "var-128",
        "fix24-16", "deflate", "B/val-64");
    for (Result r : results) {
      out.printf("  %-38s %,8d %,9d %,9d %,9d %,9d %,8d %9.2f%n", r.shape(), r.cells(), r.variable()[0],
          r.variable()[1], r.variable()[2], r.fixed24(), r.deflate(), r.xorBytesPerValue());
    }
    out.flush();
  }

  static List<Result> run(ArchiveLayout layout) throws IOException {
    Path dir = Files.createTempDirectory("peregrine-layout-study");
    Path file = dir.resolve("seg-00000.dat");
    List<Result> results = new ArrayList<>();
    try (Segment seg = Segment.open(0, file, layout)) {
      List<Shape> shapes = shapes();
      for (int slot = 0; slot < shapes.size(); slot++) {
        Shape shape = shapes.get(slot);
        SlotState.init(seg.buffer(), seg.state(slot), STEP, shape.type().getNumber());
        long steps = DAYS * 86_400 / STEP;
        long t0 = 1_700_000_000L - Math.floorMod(1_700_000_000L, STEP);
        for (long i = 0; i < steps; i++) {
          Consolidator.apply(seg, slot, t0 + i * STEP, shape.reading().applyAsDouble(i));
        }
        results.add(measure(seg, slot, shape.name()));
      }
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
    return results;
  }

  private static Result measure(Segment seg, int slot, String name) {
    ArchiveLayout layout = seg.layout();
    List<float[]> archives = new ArrayList<>();
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (ArchiveLayout.Archive a : layout.archives()) {
      float[] rows = new float[a.rows()];
      for (int r = 0; r < a.rows(); r++) {
        rows[r] = seg.getCell(a, slot, r);
        int bits = Float.floatToRawIntBits(rows[r]);
        all.write(bits);
        all.write(bits >>> 8);
        all.write(bits >>> 16);
        all.write(bits >>> 24);
      }
      archives.add(rows);
    }
    long[] variable = new long[VARIABLE_BLOCKS.length];
    for (int i = 0; i < VARIABLE_BLOCKS.length; i++) {
      variable[i] = variableBytes(archives, VARIABLE_BLOCKS[i]);
    }
    long fixed24 = SlotState.BYTES + OPEN_BLOCKS_BYTES;
    long values = 0;
    long encoded = 0;
    for (float[] rows : archives) {
      for (int from = 0; from < rows.length; from += ArchiveLayout.BLOCK_ROWS) {
        int n = Math.min(ArchiveLayout.BLOCK_ROWS, rows.length - from);
        int len = BlockCodec.encode(rows, from, n).length;
        fixed24 += len <= 24 ? 24 : 24 + 64;
      }
      for (int from = 0; from < rows.length; from += 64) {
        int n = Math.min(64, rows.length - from);
        encoded += BlockCodec.encode(rows, from, n).length;
        values += n;
      }
    }
    return new Result(name, layout.fullSeriesBytes(), variable, fixed24,
        SlotState.BYTES + deflated(all.toByteArray()), (double) encoded / values);
  }

  /**
   * A variable-size layout with blocks of {@code rows} rows: per archive an appendable open block (its encoder
   * state, {@link #APPEND_STATE_BYTES}, in the slot) and a ring of closed blocks, each at its encoded length plus a
   * 4-byte reference, one block more than the rows need so that dropping the oldest whole block keeps the
   * retention.
   */
  private static long variableBytes(List<float[]> archives, int rows) {
    long bytes = SlotState.BYTES;
    for (float[] a : archives) {
      bytes += APPEND_STATE_BYTES;
      for (int from = 0; from < a.length; from += rows) {
        int n = Math.min(rows, a.length - from);
        bytes += BlockCodec.encode(a, from, n).length + 4;
      }
      bytes += BlockCodec.encode(a, 0, Math.min(rows, a.length)).length + 4; // the extra block
    }
    return bytes;
  }

  private static long deflated(byte[] bytes) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
    d.setInput(bytes);
    d.finish();
    byte[] buf = new byte[bytes.length + 64];
    long n = 0;
    while (!d.finished()) {
      n += d.deflate(buf);
    }
    d.end();
    return n;
  }
}
