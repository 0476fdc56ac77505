package io.peregrine.graph.store;

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
 * <p>Header (64 bytes): magic {@code PGRSEG01}, layout fingerprint, slots per segment, state bytes per slot. A file
 * whose header or length does not match is refused by {@link #open} (the caller moves it aside).
 */
final class Segment implements AutoCloseable {
  static final int SLOTS = 4096;
  static final int HEADER_BYTES = 4096;
  static final byte[] MAGIC = "PGRSEG01".getBytes(StandardCharsets.US_ASCII);

  final int number;
  final Path path;
  private final FileChannel channel;
  private final MappedByteBuffer map;
  private final ByteBuffer buf;
  private final long[] archiveBase = new long[ArchiveLayout.ARCHIVES.size()];

  /** A file that cannot serve as a segment: wrong size, header or layout. */
  static final class CorruptSegmentException extends IOException {
    CorruptSegmentException(String message) {
      super(message);
    }
  }

  private Segment(int number, Path path, FileChannel channel, MappedByteBuffer map) {
    this.number = number;
    this.path = path;
    this.channel = channel;
    this.map = map;
    this.buf = map.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long base = stateBase() + (long) SLOTS * SlotState.BYTES;
    for (ArchiveLayout.Archive a : ArchiveLayout.ARCHIVES) {
      archiveBase[a.id()] = base;
      base += (long) a.storedRows() * SLOTS * 4;
    }
  }

  static long fileBytes() {
    return stateBase() + (long) SLOTS * SlotState.BYTES + (long) ArchiveLayout.cellsPerSeries() * SLOTS * 4;
  }

  private static long stateBase() {
    return HEADER_BYTES;
  }

  /** Opens an existing segment file, checking its length and header, or creates a new sparse one. */
  static Segment open(int number, Path path) throws IOException {
    boolean exists = Files.exists(path);
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      long want = fileBytes();
      if (exists) {
        long size = ch.size();
        if (size != want) {
          throw new CorruptSegmentException("segment " + path + " is " + size + " bytes, expected " + want
              + " (truncated or written by another version)");
        }
      } else {
        ch.write(ByteBuffer.wrap(new byte[] {0}), want - 1); // sparse: only the last byte is written
      }
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, want);
      Segment s = new Segment(number, path, ch, map);
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
    buf.putInt(8, ArchiveLayout.fingerprint());
    buf.putInt(12, SLOTS);
    buf.putInt(16, SlotState.BYTES); // forced with the rest on the flush schedule
  }

  private void checkHeader() throws CorruptSegmentException {
    byte[] magic = new byte[MAGIC.length];
    buf.get(0, magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new CorruptSegmentException("segment " + path + " does not start with the segment magic");
    }
    if (buf.getInt(8) != ArchiveLayout.fingerprint() || buf.getInt(12) != SLOTS
        || buf.getInt(16) != SlotState.BYTES) {
      throw new CorruptSegmentException("segment " + path + " was written with another archive layout");
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
