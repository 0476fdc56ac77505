package io.peregrine.transfer.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer's read position in the ingest log: the position up to which everything meant for it was delivered
 * ({@code [u64 segment][u64 offset][u32 CRC32C]}, rewritten in place). An unreadable ack means "replay from the
 * oldest segment": delivery is at least once, never at most once.
 */
final class AckFile implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AckFile.class);
  private static final int SIZE = 20;

  private final Path file;
  private final SegmentFormat format = new SegmentFormat();
  private final ByteBuffer buf = ByteBuffer.allocate(SIZE);
  private final FileChannel channel;

  AckFile(Path file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
  }

  void write(SegmentLog.Pos acked) throws IOException {
    buf.clear();
    buf.putLong(0, acked.segment()).putLong(8, acked.offset());
    buf.putInt(16, format.crc(buf.array(), 0, 16));
    channel.write(buf, 0);
  }

  /** True when the file holds no position at all (a consumer new to this log). */
  boolean empty() throws IOException {
    return channel.size() == 0;
  }

  /** The stored position, or null when there is none or it fails its checksum. */
  SegmentLog.Pos read() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    if (channel.size() < SIZE || channel.read(b, 0) < SIZE) {
      return null;
    }
    if (format.crc(b.array(), 0, 16) != b.getInt(16)) {
      log.warn("queue {}: ack file fails its checksum; replaying from the oldest segment", file);
      return null;
    }
    return new SegmentLog.Pos(b.getLong(0), b.getLong(8));
  }

  FileChannel channel() {
    return channel;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
