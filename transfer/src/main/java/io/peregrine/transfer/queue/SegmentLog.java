package io.peregrine.transfer.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of records in segment files, with a persisted read position: the crash-safe half of a
 * destination's queue.
 *
 * <p>Layout of {@code dir}: segments {@code 00000000000000000001.seg} ... each starting with the 4-byte magic
 * {@code PQS1}, then records {@code [u32 length][u32 CRC32C of payload][payload]}; and {@code ack}, the position
 * up to which everything was delivered ({@code [u64 segment][u64 offset][u32 CRC32C]}, rewritten in place). A record
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
  static final int MAGIC = 0x50515331; // "PQS1"
  static final int HEADER = 4;
  static final int RECORD_HEADER = 8;
  /** A record larger than this is taken as a torn or corrupt length field, not a real record. */
  static final int MAX_RECORD = 64 << 20;

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
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final FileChannel ackChannel;
  private final TreeMap<Long, Long> sizes = new TreeMap<>(); // segment -> bytes on disk
  private final CRC32C crc = new CRC32C();
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
    this.ackChannel = FileChannel.open(dir.resolve("ack"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
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
    Pos ack = readAck();
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
    long good = scanTail(last);
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

  /** @return the end of the last whole record of the segment (or the header size for an empty or headless one) */
  private long scanTail(long segment) throws IOException {
    try (FileChannel ch = FileChannel.open(segment(segment), StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer magic = ByteBuffer.allocate(HEADER);
      if (size < HEADER || ch.read(magic, 0) < HEADER || magic.getInt(0) != MAGIC) {
        ch.close();
        try (FileChannel w = FileChannel.open(segment(segment), StandardOpenOption.WRITE)) {
          w.truncate(0);
          w.write(ByteBuffer.allocate(HEADER).putInt(0, MAGIC), 0);
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
        if (len < 0 || len > MAX_RECORD || pos + RECORD_HEADER + len > size) {
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

  /** Appends one record; returns the position after it. The bytes are in the kernel when this returns. */
  Pos append(byte[] payload, int off, int len) throws IOException {
    if (writeOffset > HEADER && writeOffset + RECORD_HEADER + len > segmentBytes) {
      roll();
    }
    header.clear();
    header.putInt(0, len).putInt(4, crc(payload, off, len));
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
    writer.write(ByteBuffer.allocate(HEADER).putInt(0, MAGIC), 0);
    writer.position(HEADER);
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
      readFully(ch, header, p.offset());
      int len = header.getInt(0);
      int sum = header.getInt(4);
      if (len < 0 || len > MAX_RECORD || p.offset() + RECORD_HEADER + len > size) {
        p = skipCorrupt(p, size);
        continue;
      }
      byte[] payload = new byte[len];
      readFully(ch, ByteBuffer.wrap(payload), p.offset() + RECORD_HEADER);
      if (crc(payload, 0, len) != sum) {
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

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    long p = pos;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, p);
      if (n < 0) {
        throw new IOException("unexpected end of queue segment at " + p);
      }
      p += n;
    }
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
    ByteBuffer b = ByteBuffer.allocate(20);
    b.putLong(0, acked.segment()).putLong(8, acked.offset());
    b.putInt(16, crc(b.array(), 0, 16));
    ackChannel.write(b, 0);
    dirty = true;
  }

  private Pos readAck() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(20);
    if (ackChannel.size() < 20 || ackChannel.read(b, 0) < 20) {
      return null;
    }
    if (crc(b.array(), 0, 16) != b.getInt(16)) {
      log.warn("queue {}: ack file fails its checksum; replaying from the oldest segment", dir);
      return null;
    }
    return new Pos(b.getLong(0), b.getLong(8));
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
    return new FileChannel[] {writer, ackChannel};
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

  private int crc(byte[] b, int off, int len) {
    crc.reset();
    crc.update(b, off, len);
    return (int) crc.getValue();
  }

  private Path segment(long n) {
    return dir.resolve(String.format("%020d.seg", n));
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (AutoCloseable c : new AutoCloseable[] {writer, reader, ackChannel, lock, lockChannel}) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof IOException io ? io : new IOException(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
