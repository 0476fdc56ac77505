package io.peregrine.transfer.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue directory's claim and read position: the {@code lock} file, held while the queue is open so two
 * transfers never share a directory, and the {@code ack} file, the position up to which everything was delivered
 * ({@code [u64 segment][u64 offset][u32 CRC32C]}, rewritten in place). An unreadable ack means "replay from the
 * oldest segment": delivery is at least once, never at most once.
 */
final class AckFile implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AckFile.class);
  private static final int SIZE = 20;

  private final Path dir;
  private final SegmentFormat format;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final FileChannel channel;

  /** Creates the directory if needed and claims it. */
  AckFile(Path dir, SegmentFormat format) throws IOException {
    this.dir = dir;
    this.format = format;
    Files.createDirectories(dir);
    this.lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      lockChannel.close();
      throw new IOException("queue directory " + dir + " is in use by another transfer (or queue)");
    }
    this.lock = l;
    try {
      this.channel = FileChannel.open(dir.resolve("ack"), StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      lock.close();
      lockChannel.close();
      throw e;
    }
  }

  void write(SegmentLog.Pos acked) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.putLong(0, acked.segment()).putLong(8, acked.offset());
    b.putInt(16, format.crc(b.array(), 0, 16));
    channel.write(b, 0);
  }

  /** The stored position, or null when there is none or it fails its checksum. */
  SegmentLog.Pos read() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    if (channel.size() < SIZE || channel.read(b, 0) < SIZE) {
      return null;
    }
    if (format.crc(b.array(), 0, 16) != b.getInt(16)) {
      log.warn("queue {}: ack file fails its checksum; replaying from the oldest segment", dir);
      return null;
    }
    return new SegmentLog.Pos(b.getLong(0), b.getLong(8));
  }

  FileChannel channel() {
    return channel;
  }

  @Override
  public void close() throws IOException {
    QueueFiles.closeAll(channel, lock, lockChannel);
  }
}
