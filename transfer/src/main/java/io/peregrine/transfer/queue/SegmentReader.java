package io.peregrine.transfer.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer's reader of a {@link SegmentLog}: its own file channel, header buffer and checksum, so consumers read
 * at their own positions without the log's lock (positional reads; records before {@link SegmentLog#end()} are whole).
 * A record that fails its checksum (disk corruption) skips the rest of its segment and is counted in
 * {@link #corruptBytes()}. A segment deleted under the reader (every consumer had passed it) is skipped.
 *
 * <p>Not thread-safe: used by one lane's worker under its queue's lock.
 */
final class SegmentReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SegmentReader.class);
  private static final int HEADER = SegmentFormat.HEADER;
  private static final int RECORD_HEADER = SegmentFormat.RECORD_HEADER;

  /** One record read back, and where the next one starts. */
  record Record(byte[] payload, SegmentLog.Pos next) {}

  private final SegmentLog log_;
  private final SegmentFormat format = new SegmentFormat();
  private final ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
  private FileChannel channel;
  private long channelSegment = -1;
  private long corruptBytes;

  SegmentReader(SegmentLog log) {
    this.log_ = log;
  }

  /**
   * Reads the record at {@code at}, moving on to the next segment at the end of one.
   *
   * @return the record, or null when {@code at} is at or past {@code limit} (or the log's end)
   */
  Record read(SegmentLog.Pos at, SegmentLog.Pos limit) throws IOException {
    SegmentLog.Pos p = at;
    while (true) {
      SegmentLog.Pos end = log_.end();
      if (p.compareTo(limit) >= 0 || p.compareTo(end) >= 0) {
        return null;
      }
      Long size = p.segment() == end.segment() ? Long.valueOf(end.offset()) : log_.sizes.get(p.segment());
      if (size == null || p.offset() >= size) {
        Long next = log_.sizes.higherKey(p.segment());
        if (next == null) {
          return null;
        }
        p = new SegmentLog.Pos(next, HEADER);
        continue;
      }
      FileChannel ch;
      try {
        ch = channelFor(p.segment());
      } catch (NoSuchFileException e) {
        p = new SegmentLog.Pos(p.segment(), Long.MAX_VALUE); // deleted: every consumer had passed it
        continue;
      }
      header.clear();
      SegmentFormat.readFully(ch, header, p.offset());
      int len = header.getInt(0);
      int sum = header.getInt(4);
      if (!SegmentFormat.plausible(len, p.offset(), size)) {
        p = skipCorrupt(p, size);
        continue;
      }
      byte[] payload = new byte[len];
      SegmentFormat.readFully(ch, ByteBuffer.wrap(payload), p.offset() + RECORD_HEADER);
      if (format.crc(payload, 0, len) != sum) {
        p = skipCorrupt(p, size);
        continue;
      }
      return new Record(payload, new SegmentLog.Pos(p.segment(), p.offset() + RECORD_HEADER + len));
    }
  }

  private SegmentLog.Pos skipCorrupt(SegmentLog.Pos p, long size) {
    corruptBytes += size - p.offset();
    log.error("queue {}: record at segment {} offset {} fails its checksum; skipping the {} bytes after it in "
        + "that segment", log_.dir(), p.segment(), p.offset(), size - p.offset());
    return new SegmentLog.Pos(p.segment(), size);
  }

  private FileChannel channelFor(long segment) throws IOException {
    if (channelSegment != segment) {
      if (channel != null) {
        channel.close();
        channel = null;
        channelSegment = -1;
      }
      channel = FileChannel.open(log_.segment(segment), StandardOpenOption.READ);
      channelSegment = segment;
    }
    return channel;
  }

  long corruptBytes() {
    return corruptBytes;
  }

  @Override
  public void close() throws IOException {
    QueueFiles.closeAll(channel);
  }
}
