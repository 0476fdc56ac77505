package io.peregrine.transfer.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of records in segment files: the crash-safe half of transfer's queues ({@link IngestLog}).
 *
 * <p>Segments {@code 00000000000000000001.seg} ... in {@link SegmentFormat}. A record is handed to {@code write(2)}
 * before {@link #append} returns, so it survives the process being killed (the page cache keeps it); only a power
 * loss can take what was written since the last {@link #force}.
 *
 * <p>Opening cuts a torn tail: the last segment is scanned and cut at the first record whose length runs past the
 * end of the file or whose checksum does not match (what {@code kill -9} in the middle of a write leaves); the cut
 * bytes are reported by {@link #tornBytes()}. Which segments may go is the owner's call ({@link #deleteBefore}).
 * A finished segment is forced by the next sync, not when it is finished (see {@link #roll}), so a power loss within
 * a sync interval of a roll can also leave the tail of the segment before the last unwritten: readers find it by its
 * checksum and skip the rest of that segment, counted as corrupt ({@link SegmentReader}); what is lost is, as
 * before, what was written since the last sync.
 *
 * <p>Appends, rolls and deletes are serialised by the owner's lock. Readers ({@link SegmentReader}) run without it:
 * they see {@link #end()} (volatile, moved only after a record is wholly written) and the segment map (concurrent).
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

  private final Path dir;
  private final long segmentBytes;
  private final SegmentFormat format = new SegmentFormat();
  /** segment -> bytes written (the last one grows); readers look sizes up here. */
  final ConcurrentSkipListMap<Long, Long> sizes = new ConcurrentSkipListMap<>();
  private final ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
  private FileChannel writer;
  /** Segments finished since the last sync, oldest first: forced (then closed) by the next sync, not by the roll. */
  private final List<FileChannel> finished = new ArrayList<>();
  private long writeSegment;
  private long writeOffset;
  private volatile Pos end;
  private long bytes;
  private long tornBytes;
  private boolean dirty;

  private SegmentLog(Path dir, long segmentBytes) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
  }

  /** Opens (creating) the log in {@code dir}, cutting a torn tail. {@code dir} must exist. */
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
    if (sizes.isEmpty()) {
      startSegment(1);
      return;
    }
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
    end = new Pos(last, good);
    bytes = sizes.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Appends one record whose payload is {@code parts} (their remaining bytes, {@code len} in all, with CRC32C
   * {@code crc}); returns the position after it. The bytes are in the kernel when this returns: one gathering
   * {@code write(2)} per record.
   */
  Pos append(ByteBuffer[] parts, int count, int len, int crc) throws IOException {
    if (writeOffset > HEADER && writeOffset + RECORD_HEADER + len > segmentBytes) {
      roll();
    }
    header.clear();
    header.putInt(0, len).putInt(4, crc);
    parts[0] = header; // slot 0 is the record header's (the caller leaves it free)
    long want = RECORD_HEADER + (long) len;
    long done = 0;
    while (done < want) {
      done += writer.write(parts, 0, count);
    }
    writeOffset += want;
    bytes += want;
    sizes.put(writeSegment, writeOffset);
    dirty = true;
    Pos p = new Pos(writeSegment, writeOffset);
    end = p;
    return p;
  }

  /**
   * Starts the next segment. The finished one is forced by the next {@link #toSync sync}, not here: the roll runs
   * under the owner's lock, in an ingest call, and forcing a segment's dirty pages there (tens of ms) would stall
   * every ingest thread with it. Nothing waits longer for the device than before: what a power loss can take is still
   * what was written since the last sync.
   */
  private void roll() throws IOException {
    finished.add(writer);
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
    end = new Pos(number, HEADER);
  }

  /** The end of the log: where the next append goes. */
  Pos end() {
    return end;
  }

  /** The start of the oldest segment on disk. */
  Pos first() {
    return new Pos(sizes.firstKey(), HEADER);
  }

  /** Deletes every whole segment before {@code segment} (never the one being written). */
  void deleteBefore(long segment) throws IOException {
    while (true) {
      Map.Entry<Long, Long> e = sizes.firstEntry();
      if (e == null || e.getKey() >= segment || e.getKey() >= writeSegment) {
        return;
      }
      sizes.remove(e.getKey());
      bytes -= e.getValue();
      Files.deleteIfExists(segment(e.getKey()));
    }
  }

  /** Bytes of the segments from {@code segment} on (whole segments: what a reader there keeps on disk). */
  long bytesFrom(long segment) {
    if (segment <= sizes.firstKey()) {
      return bytes;
    }
    long n = 0;
    for (long v : sizes.tailMap(segment, true).values()) {
      n += v;
    }
    return n;
  }

  /**
   * What to force since the last call, for the owner to force outside its lock: the segments finished meanwhile
   * (oldest first; {@code finishedOut}, closed once forced with {@link #forceAndClose}), then the writer when it was
   * written to ({@code writerOut}).
   */
  void toSync(List<FileChannel> finishedOut, List<FileChannel> writerOut) {
    finishedOut.addAll(finished);
    finished.clear();
    if (dirty) {
      dirty = false;
      writerOut.add(writer);
    }
  }

  static void force(FileChannel c) throws IOException {
    try {
      c.force(false);
    } catch (java.nio.channels.ClosedChannelException e) {
      // the log was closed meanwhile; close() forced it
    }
  }

  /** Forces a finished segment (see {@link #toSync}) and closes it. */
  static void forceAndClose(FileChannel c) throws IOException {
    try (c) {
      c.force(false);
    } catch (java.nio.channels.ClosedChannelException e) {
      // closed by close() meanwhile, which forced it
    }
  }

  /** Bytes of segment files on disk. */
  long bytes() {
    return bytes;
  }

  long tornBytes() {
    return tornBytes;
  }

  Path segment(long n) {
    return dir.resolve(String.format("%020d.seg", n));
  }

  Path dir() {
    return dir;
  }

  /** Snapshot of the segment numbers (for tests and recovery messages). */
  ArrayList<Long> segments() {
    return new ArrayList<>(sizes.keySet());
  }

  /** Forces and closes the finished segments a sync has not taken yet, then closes the writer (not forced here). */
  @Override
  public void close() throws IOException {
    try {
      for (FileChannel c : finished) {
        forceAndClose(c);
      }
      finished.clear();
    } finally {
      QueueFiles.closeAll(writer);
    }
  }
}
