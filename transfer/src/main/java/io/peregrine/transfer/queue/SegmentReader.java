package io.peregrine.transfer.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer's reader of the ingest log's {@link SegmentLog}: its own file channel, buffer and checksum, so
 * consumers read at their own positions without the log's lock (positional reads; records before {@link SegmentLog#end()} are whole).
 * A record that fails its checksum (disk corruption) skips the rest of its segment and is counted in
 * {@link #corruptBytes()}. A segment deleted under the reader (every consumer had passed it) is skipped.
 *
 * <p>Not thread-safe: used by one lane's worker under its queue's lock.
 */
final class SegmentReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SegmentReader.class);
  private static final int HEADER = SegmentFormat.HEADER;
  private static final int RECORD_HEADER = SegmentFormat.RECORD_HEADER;

  /** One consumer's part of a record (null: none there), and where the next record starts. */
  record Record(byte[] payload, SegmentLog.Pos next) {}

  private final SegmentLog log_;
  private final SegmentFormat format = new SegmentFormat();
  private static final int TABLE_READ = PartTable.size(PartTable.MAX_PARTS);
  private static final int FIRST_READ = PartTable.size(16); // the table of a record for up to 16 lanes
  private final ByteBuffer table = ByteBuffer.allocate(RECORD_HEADER + TABLE_READ);
  private FileChannel channel;
  private long channelSegment = -1;
  private long corruptBytes;

  SegmentReader(SegmentLog log) {
    this.log_ = log;
  }

  /**
   * Reads consumer {@code id}'s part of the record at {@code at}, moving on to the next segment at the end of one:
   * only the record's header, its parts table and that part are read, each checked against its own CRC32C.
   *
   * @return the part (null payload: the record holds none for {@code id}) and where the next record starts, or null
   *     when {@code at} is at or past {@code limit} (or the log's end)
   */
  Record read(SegmentLog.Pos at, SegmentLog.Pos limit, int id) throws IOException {
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
      int head = (int) Math.min(RECORD_HEADER + (long) FIRST_READ, size - p.offset());
      if (head < RECORD_HEADER + 2) {
        p = skipCorrupt(p, size);
        continue;
      }
      table.clear().limit(head);
      SegmentFormat.readFully(ch, table, p.offset());
      int len = table.getInt(0);
      if (!SegmentFormat.plausible(len, p.offset(), size)) {
        p = skipCorrupt(p, size);
        continue;
      }
      SegmentLog.Pos next = new SegmentLog.Pos(p.segment(), p.offset() + RECORD_HEADER + len);
      int n = table.getShort(RECORD_HEADER) & 0xFFFF;
      int tableLen = PartTable.size(n);
      if (tableLen > len || n > PartTable.MAX_PARTS) {
        p = skipCorrupt(p, size);
        continue;
      }
      if (RECORD_HEADER + tableLen > head) { // a record for many lanes: read the rest of its table
        table.limit(RECORD_HEADER + tableLen).position(head);
        SegmentFormat.readFully(ch, table, p.offset() + head);
      }
      byte[] t = table.array();
      if (format.crc(t, RECORD_HEADER, tableLen - 4) != table.getInt(RECORD_HEADER + tableLen - 4)) {
        p = skipCorrupt(p, size);
        continue;
      }
      long partAt = p.offset() + RECORD_HEADER + tableLen;
      int found = -1;
      for (int i = 0; i < n; i++) {
        int e = RECORD_HEADER + 2 + PartTable.ENTRY * i;
        int partLen = table.getInt(e + 2);
        if ((table.getShort(e) & 0xFFFF) == id) {
          found = e;
          break;
        }
        partAt += partLen;
      }
      if (found < 0) {
        return new Record(null, next);
      }
      int partLen = table.getInt(found + 2);
      if (partLen < 0 || partAt + partLen > next.offset()) {
        p = skipCorrupt(p, size);
        continue;
      }
      byte[] part = new byte[partLen];
      SegmentFormat.readFully(ch, ByteBuffer.wrap(part), partAt);
      if (format.crc(part, 0, partLen) != table.getInt(found + 6)) {
        p = skipCorrupt(p, size);
        continue;
      }
      return new Record(part, next);
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
