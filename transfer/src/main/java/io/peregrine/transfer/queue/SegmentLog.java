package io.peregrine.transfer.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of records in segment files, with a persisted read position: the crash-safe half of a
 * destination's queue.
 *
 * <p>Layout of {@code dir}: segments {@code 00000000000000000001.seg} ... in {@link SegmentFormat}, and the
 * {@code ack} and {@code lock} files of {@link AckFile}. A record
 * is handed to {@code write(2)} before {@link #append} returns, so it survives the process being killed (the page
 * cache keeps it); only a power loss can take what was written since the last {@link #sync}.
 *
 * <p>Opening cuts a torn tail: the last segment is scanned and cut at the first record whose length runs past the
 * end of the file or whose checksum does not match (what {@code kill -9} in the middle of a write leaves); the cut
 * bytes are reported by {@link #tornBytes()}. A record that fails its checksum when read later (disk corruption)
 * skips the rest of its segment and is counted in {@link #corruptBytes()}. An unreadable ack file means replay
 * from the oldest segment: delivery is at least once, never at most once.
 *
 * <p>Not thread-safe: the owning queue serialises appends and reads under its lock.
 */
final class SegmentLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SegmentLog.class);
  private static final int HEADER = SegmentFormat.HEADER;
  private static final int RECORD_HEADER = SegmentFormat.RECORD_HEADER;

  /** A place in the log: a segment number and a byte offset in it. */
  record Pos(long segment, long offset) implements Comparable<Pos> {
    @Override
    public int compareTo(Pos o) {
      return segment != o.segment ? Long.compare(segment, o.segment) : Long.compare(offset, o.offset);
    }
  }

  /** One record read back, and where the next one starts. */
  record Record(byte[] payload, Pos next) {}

  private final Path dir;
  private final long segmentBytes;
  private final SegmentFormat format = new SegmentFormat();
  private final AckFile ackFile;
  private final TreeMap<Long, Long> sizes = new TreeMap<>(); // segment -> bytes on disk
  private final ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
  private FileChannel writer;
  private long writeSegment;
  private long writeOffset;
  private FileChannel reader;
  private long readerSegment = -1;
  private Pos acked;
  private long bytes;
  private long tornBytes;
  private long corruptBytes;
  private boolean dirty;

  private SegmentLog(Path dir, long segmentBytes) throws IOException {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.ackFile = new AckFile(dir, format);
  }

  /** Opens (creating) the log in {@code dir}, cutting a torn tail. */
  static SegmentLog open(Path dir, long segmentBytes) throws IOException {
    SegmentLog q = new SegmentLog(dir, segmentBytes);
    try {
      q.recover();
    } catch (IOException | RuntimeException e) {
      q.close();
      throw e;
    }
    return q;
  }

  private void recover() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String n = p.getFileName().toString();
        if (n.endsWith(".seg")) {
          try {
            sizes.put(Long.parseLong(n.substring(0, n.length() - 4)), Files.size(p));
          } catch (NumberFormatException e) {
            log.warn("queue {}: ignoring foreign file {}", dir, n);
          }
        }
      }
    }
    Pos ack = ackFile.read();
    if (sizes.isEmpty()) {
      long first = ack == null ? 1 : ack.segment();
      startSegment(first);
      acked = new Pos(first, HEADER);
      writeAck();
      return;
    }
    long first = sizes.firstKey();
    if (ack == null || ack.segment() < first || ack.segment() > sizes.lastKey()) {
      if (ack != null) {
        log.warn("queue {}: ack position {} names no segment; replaying from segment {}", dir, ack, first);
      }
      ack = new Pos(first, HEADER);
    }
    for (long s : new ArrayList<>(sizes.headMap(ack.segment()).keySet())) {
      delete(s); // fully delivered before the stop
    }
    acked = ack;
    long last = sizes.lastKey();
    long good = format.scanTail(segment(last));
    long size = sizes.get(last);
    if (good < size) {
      tornBytes = size - good;
      log.warn("queue {}: cut a torn tail of {} bytes from segment {} (an unfinished write at the last stop)", dir,
          tornBytes, last);
    }
    writer = FileChannel.open(segment(last), StandardOpenOption.READ, StandardOpenOption.WRITE);
    writer.truncate(good);
    writer.position(good);
    writeSegment = last;
    writeOffset = good;
    sizes.put(last, good);
    if (acked.segment() == last && acked.offset() > good) {
      acked = new Pos(last, good);
    }
    bytes = sizes.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Appends one record; returns the position after it. The bytes are in the kernel when this returns. */
  Pos append(byte[] payload, int off, int len) throws IOException {
    if (writeOffset > HEADER && writeOffset + RECORD_HEADER + len > segmentBytes) {
      roll();
    }
    header.clear();
    header.putInt(0, len).putInt(4, format.crc(payload, off, len));
    ByteBuffer[] parts = {header, ByteBuffer.wrap(payload, off, len)};
    long want = RECORD_HEADER + (long) len;
    long done = 0;
    while (done < want) {
      done += writer.write(parts);
    }
    writeOffset += want;
    bytes += want;
    sizes.put(writeSegment, writeOffset);
    dirty = true;
    return new Pos(writeSegment, writeOffset);
  }

  private void roll() throws IOException {
    writer.force(false); // a finished segment is made durable once, when it is finished
    writer.close();
    startSegment(writeSegment + 1);
  }

  private void startSegment(long number) throws IOException {
    writer = FileChannel.open(segment(number), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    SegmentFormat.writeMagic(writer);
    writeSegment = number;
    writeOffset = HEADER;
    sizes.put(number, (long) HEADER);
    bytes += HEADER;
  }

  /** The end of the log: where the next append goes. */
  Pos end() {
    return new Pos(writeSegment, writeOffset);
  }

  Pos acked() {
    return acked;
  }

  /**
   * Reads the record at {@code at}, moving on to the next segment at the end of one.
   *
   * @return the record, or null when {@code at} is the end of the log
   */
  Record read(Pos at) throws IOException {
    Pos p = at;
    while (true) {
      if (p.compareTo(end()) >= 0) {
        return null;
      }
      Long size = sizes.get(p.segment());
      if (size == null || p.offset() >= size) {
        Long next = sizes.higherKey(p.segment());
        if (next == null) {
          return null;
        }
        p = new Pos(next, HEADER);
        continue;
      }
      FileChannel ch = readerFor(p.segment());
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
      return new Record(payload, new Pos(p.segment(), p.offset() + RECORD_HEADER + len));
    }
  }

  private Pos skipCorrupt(Pos p, long size) {
    corruptBytes += size - p.offset();
    log.error("queue {}: record at segment {} offset {} fails its checksum; skipping the {} bytes after it in "
        + "that segment", dir, p.segment(), p.offset(), size - p.offset());
    return new Pos(p.segment(), size);
  }

  private FileChannel readerFor(long segment) throws IOException {
    if (segment == writeSegment) {
      return writer;
    }
    if (readerSegment != segment) {
      if (reader != null) {
        reader.close();
      }
      reader = FileChannel.open(segment(segment), StandardOpenOption.READ);
      readerSegment = segment;
    }
    return reader;
  }

  /** Marks everything before {@code upTo} delivered: deletes whole segments behind it, rewrites the ack file. */
  void ack(Pos upTo) throws IOException {
    if (upTo.compareTo(acked) <= 0) {
      return;
    }
    acked = upTo;
    List<Long> done = new ArrayList<>(sizes.headMap(upTo.segment()).keySet());
    for (long s : done) {
      delete(s);
    }
    writeAck();
  }

  private void delete(long s) throws IOException {
    if (s == readerSegment && reader != null) {
      reader.close();
      reader = null;
      readerSegment = -1;
    }
    Long size = sizes.remove(s);
    bytes -= size == null ? 0 : size;
    Files.deleteIfExists(segment(s));
  }

  private void writeAck() throws IOException {
    ackFile.write(acked);
    dirty = true;
  }

  /** Forces written records and the ack position to the device (what a power loss could otherwise take). */
  void sync() throws IOException {
    FileChannel[] channels = toSync();
    if (channels != null) {
      force(channels);
    }
  }

  /**
   * The channels to force, or null when nothing was written since the last sync. The owner calls this under its
   * lock and {@link #force} outside it: an fsync can take tens of milliseconds, and appends must not wait for it.
   */
  FileChannel[] toSync() {
    if (!dirty) {
      return null;
    }
    dirty = false;
    return new FileChannel[] {writer, ackFile.channel()};
  }

  static void force(FileChannel[] channels) throws IOException {
    for (FileChannel c : channels) {
      try {
        c.force(false);
      } catch (java.nio.channels.ClosedChannelException e) {
        // a segment finished meanwhile; roll() forced it before closing
      }
    }
  }

  /** Bytes of segment files on disk, delivered or not (a segment is deleted once wholly delivered). */
  long bytes() {
    return bytes;
  }

  /** True when records exist after the ack position. */
  boolean hasUnacked() {
    return acked.compareTo(end()) < 0;
  }

  long tornBytes() {
    return tornBytes;
  }

  long corruptBytes() {
    return corruptBytes;
  }

  private Path segment(long n) {
    return dir.resolve(String.format("%020d.seg", n));
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    QueueFiles.closeAll(writer, reader, ackFile);
  }
}
