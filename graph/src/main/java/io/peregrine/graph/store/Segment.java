package io.peregrine.graph.store;

import io.peregrine.graph.GraphConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file holding {@link #SLOTS} series (slots): a header, every slot's consolidation state, then each archive's
 * cells. The whole file is memory-mapped: a write is a store into the page cache (a killed process loses nothing
 * already applied), the kernel writes pages back, and {@link #force()} makes them durable on the flush schedule.
 *
 * <p>Cells are 4-byte floats, little-endian. Archive {@code a} occupies {@code storedRows(a) * SLOTS} cells laid
 * out in blocks of {@link ArchiveLayout#BLOCK_ROWS} rows: row {@code r} of slot {@code s} is cell
 * {@code ((r / B) * SLOTS + s) * B + r % B}. The file is created sparse, so untouched cells cost no disk.
 *
 * <p>Header (the first 4,096 bytes): magic {@code PGRSEG01}, layout fingerprint, slots per segment, state bytes per
 * slot, raw rows. A file written with another {@code graph.rawRows} is refused ({@link LayoutMismatchException}:
 * the store does not start); one whose header or length is otherwise wrong is corrupt (the caller moves it aside).
 */
final class Segment implements AutoCloseable {
  static final int SLOTS = 4096;
  static final int HEADER_BYTES = 4096;
  static final byte[] MAGIC = "PGRSEG01".getBytes(StandardCharsets.US_ASCII);
  /** Header offset of the raw archive's rows ({@code graph.rawRows}); 0 in files of earlier builds (720 rows). */
  static final int RAW_ROWS_AT = 20;

  final int number;
  final Path path;
  private final FileChannel channel;
  private final MappedByteBuffer map;
  private final ByteBuffer buf;
  private final ArchiveLayout layout;
  private final long[] archiveBase;

  /** A file that cannot serve as a segment: wrong size or damaged header. */
  static final class CorruptSegmentException extends IOException {
    CorruptSegmentException(String message) {
      super(message);
    }
  }

  /**
   * A sound segment written with another raw archive length ({@code graph.rawRows}): not damaged, so never moved
   * aside; the store refuses to open rather than lose its history.
   */
  static final class LayoutMismatchException extends IOException {
    final int fileRawRows;

    LayoutMismatchException(Path path, int fileRawRows, int configuredRawRows) {
      super("segment " + path + " was written with graph.rawRows " + fileRawRows + " (raw archive of "
          + fileRawRows + " steps) but graph.rawRows is " + configuredRawRows + ": a data directory keeps the "
          + "layout it was created with. Set graph.rawRows back to " + fileRawRows + ", or to change it export "
          + "what you need (the query API), then start graph.rawRows " + configuredRawRows
          + " on an empty graph.dataDir and push again"
          + (fileRawRows == ArchiveLayout.OPEN_FALCON_RAW_ROWS && configuredRawRows == GraphConfig.DEFAULT_RAW_ROWS
              ? " (graph.rawRows defaults to " + GraphConfig.DEFAULT_RAW_ROWS + ", a day at 60 s; a directory "
                  + "created by a build that defaulted to Open-Falcon's " + fileRawRows + " needs graph.rawRows: "
                  + fileRawRows + ")"
              : ""));
      this.fileRawRows = fileRawRows;
    }
  }

  private Segment(int number, Path path, FileChannel channel, MappedByteBuffer map, ArchiveLayout layout) {
    this.number = number;
    this.path = path;
    this.channel = channel;
    this.map = map;
    this.layout = layout;
    this.buf = map.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    this.archiveBase = new long[layout.archives().size()];
    long base = stateBase() + (long) SLOTS * SlotState.BYTES;
    for (ArchiveLayout.Archive a : layout.archives()) {
      archiveBase[a.id()] = base;
      base += (long) a.storedRows() * SLOTS * 4;
    }
  }

  static long fileBytes(ArchiveLayout layout) {
    return stateBase() + (long) SLOTS * SlotState.BYTES + (long) layout.cellsPerSeries() * SLOTS * 4;
  }

  ArchiveLayout layout() {
    return layout;
  }

  private static long stateBase() {
    return HEADER_BYTES;
  }

  /**
   * Opens an existing segment file, checking its header then its length, or creates a new sparse one. The header is
   * read first so that a file of another layout (whose length differs too) is told apart from a truncated one.
   *
   * @throws LayoutMismatchException for a sound file written with another {@code graph.rawRows}
   * @throws CorruptSegmentException for a truncated or damaged file
   */
  static Segment open(int number, Path path, ArchiveLayout layout) throws IOException {
    boolean exists = Files.exists(path);
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      long want = fileBytes(layout);
      if (exists) {
        checkLayout(path, ch, layout);
        long size = ch.size();
        if (size != want) {
          throw new CorruptSegmentException("segment " + path + " is " + size + " bytes, expected " + want
              + " (truncated or written by another version)");
        }
      } else {
        ch.write(ByteBuffer.wrap(new byte[] {0}), want - 1); // sparse: only the last byte is written
      }
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, want);
      Segment s = new Segment(number, path, ch, map, layout);
      if (exists) {
        s.checkHeader();
      } else {
        s.writeHeader();
      }
      return s;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private void writeHeader() {
    buf.put(0, MAGIC);
    buf.putInt(8, layout.fingerprint());
    buf.putInt(12, SLOTS);
    buf.putInt(16, SlotState.BYTES); // forced with the rest on the flush schedule
    buf.putInt(RAW_ROWS_AT, layout.rawRows());
  }

  /**
   * Refuses a file with the segment magic written with another raw archive length: one whose recorded rows (0 in
   * files of the builds before {@code graph.rawRows}: they had Open-Falcon's 720) differ from the configured ones
   * and whose fingerprint is that of the rows it records. Any other mismatch is left to the header check (damage).
   */
  static void checkLayout(Path path, ArchiveLayout layout) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      checkLayout(path, ch, layout);
    }
  }

  private static void checkLayout(Path path, FileChannel ch, ArchiveLayout layout) throws IOException {
    ByteBuffer h = ByteBuffer.allocate(RAW_ROWS_AT + 4).order(ByteOrder.LITTLE_ENDIAN);
    while (h.hasRemaining() && ch.read(h, h.position()) > 0) {
      // read the fixed header fields
    }
    if (h.hasRemaining()) {
      return; // shorter than a header: the length check calls it truncated
    }
    byte[] magic = new byte[MAGIC.length];
    h.get(0, magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      return; // the header check calls it damaged
    }
    int rows = h.getInt(RAW_ROWS_AT);
    int fileRows = rows == 0 ? ArchiveLayout.OPEN_FALCON_RAW_ROWS : rows;
    // only a fingerprint that matches the rows it claims is another layout; anything else is damage
    boolean sound = fileRows >= 1 && fileRows <= ArchiveLayout.MAX_RAW_ROWS
        && h.getInt(8) == ArchiveLayout.withRawRows(fileRows).fingerprint();
    if (sound && fileRows != layout.rawRows()) {
      throw new LayoutMismatchException(path, fileRows, layout.rawRows());
    }
  }

  private void checkHeader() throws CorruptSegmentException {
    byte[] magic = new byte[MAGIC.length];
    buf.get(0, magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new CorruptSegmentException("segment " + path + " does not start with the segment magic");
    }
    if (buf.getInt(8) != layout.fingerprint() || buf.getInt(12) != SLOTS || buf.getInt(16) != SlotState.BYTES) {
      throw new CorruptSegmentException("segment " + path + " has a damaged header (layout fingerprint, slots or "
          + "state size do not match " + layout + ")");
    }
  }

  /** Byte offset of a slot's state (slot within this segment). */
  long state(int local) {
    return stateBase() + (long) local * SlotState.BYTES;
  }

  ByteBuffer buffer() {
    return buf;
  }

  /** Byte offset of one cell. */
  long cell(ArchiveLayout.Archive a, int local, int row) {
    int b = ArchiveLayout.BLOCK_ROWS;
    return archiveBase[a.id()] + ((((long) (row / b) * SLOTS) + local) * b + row % b) * 4;
  }

  float getCell(ArchiveLayout.Archive a, int local, int row) {
    return buf.getFloat((int) cell(a, local, row));
  }

  void putCell(ArchiveLayout.Archive a, int local, int row, float value) {
    buf.putFloat((int) cell(a, local, row), value);
  }

  /** Writes every dirty page to the disk. */
  void force() {
    map.force();
  }

  @Override
  public void close() throws IOException {
    map.force();
    channel.close();
  }
}
