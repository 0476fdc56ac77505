package io.peregrine.transfer.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The on-disk shape of one queue segment: the 4-byte magic {@code PQS1}, then records
 * {@code [u32 length][u32 CRC32C of payload][payload]}. Knows how to frame a record, check one, and find where the
 * last whole record of a segment ends (what is left after {@code kill -9} in the middle of a write).
 *
 * <p>Not thread-safe (one CRC and one header buffer, reused): each {@link SegmentLog} has its own.
 */
final class SegmentFormat {
  static final int MAGIC = 0x50515331; // "PQS1"
  static final int HEADER = 4;
  static final int RECORD_HEADER = 8;
  /** A record larger than this is taken as a torn or corrupt length field, not a real record. */
  static final int MAX_RECORD = 64 << 20;

  private final CRC32C crc = new CRC32C();

  int crc(byte[] b, int off, int len) {
    crc.reset();
    crc.update(b, off, len);
    return (int) crc.getValue();
  }

  /** Whether a record header's length fits a record starting at {@code at} in a segment of {@code size} bytes. */
  static boolean plausible(int len, long at, long size) {
    return len >= 0 && len <= MAX_RECORD && at + RECORD_HEADER + len <= size;
  }

  /** Writes a new segment's magic at offset 0 and leaves the channel positioned after it. */
  static void writeMagic(FileChannel ch) throws IOException {
    ch.write(ByteBuffer.allocate(HEADER).putInt(0, MAGIC), 0);
    ch.position(HEADER);
  }

  /**
   * @return the end of the last whole record of the segment (or the header size for an empty or headless one,
   *     which is rewritten to a bare header)
   */
  long scanTail(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer magic = ByteBuffer.allocate(HEADER);
      if (size < HEADER || ch.read(magic, 0) < HEADER || magic.getInt(0) != MAGIC) {
        ch.close();
        try (FileChannel w = FileChannel.open(file, StandardOpenOption.WRITE)) {
          w.truncate(0);
          writeMagic(w);
        }
        return HEADER;
      }
      long pos = HEADER;
      ByteBuffer h = ByteBuffer.allocate(RECORD_HEADER);
      while (pos + RECORD_HEADER <= size) {
        h.clear();
        ch.read(h, pos);
        int len = h.getInt(0);
        int sum = h.getInt(4);
        if (!plausible(len, pos, size)) {
          break;
        }
        ByteBuffer payload = ByteBuffer.allocate(len);
        ch.read(payload, pos + RECORD_HEADER);
        if (crc(payload.array(), 0, len) != sum) {
          break;
        }
        pos += RECORD_HEADER + len;
      }
      return pos;
    }
  }

  static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    long p = pos;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, p);
      if (n < 0) {
        throw new IOException("unexpected end of queue segment at " + p);
      }
      p += n;
    }
  }
}
